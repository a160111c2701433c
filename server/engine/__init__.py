"""The query engine, which knows nothing of the views: the jobs and answers, the pool of query
processes (``executor``, each started as ``python -m accords.server.engine.executor``), the pool of
an external backend (``backend``), and the ``QueryEngine`` protocol both follow (``protocol``)."""
