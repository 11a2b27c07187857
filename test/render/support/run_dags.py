"""Executes rendered DAG files against the stub; prints {file: [recorded dags] | {"error": ...}} as JSON."""
import ast
import json
import runpy
import sys
import traceback

import airflow_stub

results = {}
for path in sys.argv[1:]:
    airflow_stub.RECORD["dags"] = []
    try:
        with open(path, encoding="utf-8") as handle:
            ast.parse(handle.read(), filename=path)
        runpy.run_path(path, run_name="dag_file")
        results[path] = airflow_stub.dump()
    except Exception:
        results[path] = {"error": traceback.format_exc()}
sys.stdout.write(json.dumps(results))
