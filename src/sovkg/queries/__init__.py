"""The stored questions: reading ``.rq`` files with their ``#+`` headers, binding and running them."""
