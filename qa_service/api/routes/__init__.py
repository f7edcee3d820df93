"""One router per resource; `qa_service.api.app` mounts them."""
