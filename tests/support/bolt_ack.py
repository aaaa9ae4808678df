"""The smallest Slack Bolt for Python app that acknowledges `/incident`, for the slack_ack bench.

The bench (tests/benches/slack_ack.rs) starts it as a child process and sends it the same signed
slash commands it sends warroom, so both are measured side by side.

    bolt_ack.py PORT

Environment:
    WARROOM_BENCH_SIGNING_SECRET  the signing secret the bench signs with
    WARROOM_BENCH_SLACK_API       the fake Slack Web API on loopback, e.g. http://127.0.0.1:4000/api

Two choices keep it on loopback:
- Bolt calls auth.test once on the first request (even with token_verification_enabled=False,
  that only skips the eager call at start). Its Web API client is pointed at the bench's fake
  Slack, as warroom's is, so nothing leaves the machine.
- Bolt's built-in `app.start()` binds 0.0.0.0 and has no host argument (slack-bolt 1.30). The
  app is served instead through Bolt's own WSGI adapter by the standard library's wsgiref
  server, bound to 127.0.0.1.

`app.start()`'s http.server answers one request at a time and lets five connections wait: at
500 requests/s it falls minutes behind and most connections time out, which measures the queue,
not Bolt. So the server here takes a thread per connection and lets 1024 wait, as a production
WSGI server would; it still closes each connection after its answer (HTTP/1.0), as app.start()
does.
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


class ThreadingServer(ThreadingMixIn, WSGIServer):
    """A thread per connection, and room for connections to wait."""

    daemon_threads = True
    request_queue_size = 1024


class QuietHandler(WSGIRequestHandler):
    """No access log line per request: the bench measures Bolt, not writes to stderr."""

    def log_message(self, format, *args):
        pass


def main():
    port = int(sys.argv[1])
    api_url = os.environ["WARROOM_BENCH_SLACK_API"].rstrip("/") + "/"
    app = App(
        signing_secret=os.environ["WARROOM_BENCH_SIGNING_SECRET"],
        client=WebClient(token="xoxb-bench", base_url=api_url),
        token_verification_enabled=False,
    )

    @app.command("/incident")
    def ack_only(ack):
        ack()

    server = make_server(
        "127.0.0.1",
        port,
        SlackRequestHandler(app, path="/slack/commands"),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    print(f"bolt_ack listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
