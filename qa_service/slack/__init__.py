"""Slack bot over the Events API (`/slack/events`) or Socket Mode."""

from qa_service.slack.bot import format_blocks, run_socket_mode, slack_router

__all__ = ["format_blocks", "run_socket_mode", "slack_router"]
