"""What orders would do on a price path, broker by broker (`ordspec simulate`, the paper broker's book).

engine.py is the event engine over a neutral order model; semantics.py the brokers' tables;
prices.py reads ticks and candles; orders.py turns checked statements into engine orders;
run.py puts them together; timeline.py and plot.py show the result.
"""
