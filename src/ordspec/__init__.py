"""ordspec: a declarative order-spec compiler and validator for Indian brokers' smart orders."""

__version__ = "0.1.0"
