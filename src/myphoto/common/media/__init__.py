"""Photos and videos as files, without Django: check them, describe them, derive their images.

The server passes in what its settings say (`limits.Limits`); nothing here reads
settings, touches storage or the database. Pure functions over file objects.

    structure, png, jpeg   each format's structure checked end to end, in bounded pieces
    pngbands               a big PNG shrunk a band of rows at a time
    budget                 the pixels a process holds decoded at once
    exif, images           a photo's facts from its EXIF; the check and the derivatives
    videos, quicktime      a video's probe and posters (PyAV); the metadata phones write
    transcode              a video's H.264/AAC copy for browsers
    files                  photo or video: which one a file is, its facts and its images
"""
