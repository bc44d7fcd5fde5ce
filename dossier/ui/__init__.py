"""The desktop app. PySide6 is imported only below this package."""
