"""Language models for generated answers: the in-process GGUF model and how to obtain it."""
