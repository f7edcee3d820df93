"""Gradio chat UI, mounted at `/` by the server."""

from qa_service.ui.gradio import build_ui

__all__ = ["build_ui"]
