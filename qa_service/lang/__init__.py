"""General German and English word knowledge, each table once: every analyser reads it here."""
