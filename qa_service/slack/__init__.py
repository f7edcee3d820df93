"""Slack bot over the Events API (`/slack/events`)."""

from qa_service.slack.bot import format_blocks, slack_router

__all__ = ["format_blocks", "slack_router"]
