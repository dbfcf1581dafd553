"""WebDAV at /dav/ for backup apps (PhotoSync, FolderSync, rclone): wsgidav's request
handling over a provider of our own. A person's root holds what their apps sent, at the
paths they chose, and `Library/YYYY/MM/`, a read-only view of every photo they keep."""
