# The search index is not a Django model: it is an FTS5 virtual table on SQLite and a table with a tsvector column
# on PostgreSQL, created by this app's migration and written by rasd.search.backends.
