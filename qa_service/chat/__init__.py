"""What the chat doors share: how a citation's source is shown, and posting with retries."""
