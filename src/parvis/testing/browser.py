"""Playwright + Debian chromium fixtures (filled by the browser-tests slice)."""
