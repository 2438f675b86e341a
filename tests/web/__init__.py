"""The web report in a real browser: Debian's Chromium driven by Selenium, offline, from one folder."""
