"""kkini's own sample data: three areas of shops and menus, the burger shop, card programmes, demo users and coupons.

``generate_sample_data`` builds every row without a database; ``load_sample_data`` inserts what is missing
(idempotent); ``table_counts`` reports rows per table.
"""

from storage.sample.generate import generate_sample_data
from storage.sample.loader import LoadReport, insert_sample_data, load_sample_data
from storage.sample.rows import SampleData
from storage.sample.stats import table_counts

__all__ = [
    "LoadReport",
    "SampleData",
    "generate_sample_data",
    "insert_sample_data",
    "load_sample_data",
    "table_counts",
]
