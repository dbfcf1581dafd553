"""Date and number formats per language (Django's FORMAT_MODULE_PATH): one style each."""
