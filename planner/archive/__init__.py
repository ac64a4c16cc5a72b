"""The dossier of a meeting for the archive (hồ sơ): see services.py."""
