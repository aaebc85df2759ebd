"""backplan in the browser: `backplan serve`.

A small FastAPI app on the same core as the command line. Its only entry points are
`create_app` (app.py, an ASGI app factory) and `serve` (server.py, which runs it under
uvicorn); nothing outside this package imports from it, and nothing here is imported
unless a server runs, so `backplan plan` starts as fast as ever.
"""
