"""Planning: demand forecasts for spare parts from their order history.

Examples
--------
>>> from yunpei_match.planning import forecast
>>> table = forecast({"series": ["a", "a"], "period": [0, 3], "qty": [1, 2]}, horizon=2)
>>> table.select(["series", "step", "method"]).to_pylist()[0]
{'series': 'a', 'step': 1, 'method': 'sba'}
"""

from .forecasting import METHODS, forecast

__all__ = ["METHODS", "forecast"]
