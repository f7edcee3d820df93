"""Mattermost (self-hosted): a `/frage` slash command and an outgoing webhook, in Slack's format."""
