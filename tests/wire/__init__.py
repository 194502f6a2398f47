"""The wire-proof harness: what brokers' official Python clients send, captured on 127.0.0.1.

- capture.py: a capture server that records every request; answers.py: each route's documented answer.
- guard.py: a fixture that stops any socket in the test process reaching past loopback.
- orders.py: neutral order values (what a statement says), and the statement saying them.
- kite.py, dhan.py: the official clients (kiteconnect, dhanhq) driven with neutral order values.
- compare.py: `same_request`, the comparison the differential tests rest on.
- goldens.py: the SDKs' requests as committed files (tests/golden/kite-sdk, dhan-sdk).
- ordspec_side.py: `ordspec dispatch --base-url` run against the same capture server.
- strategies.py: hypothesis strategies for valid neutral Kite and Dhan orders.

The facts behind it are in docs/brokers/kite-dhan-wire.md.
"""
