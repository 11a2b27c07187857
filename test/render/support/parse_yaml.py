"""Reads a JSON list of YAML texts on stdin; prints the documents of each, as loaded by PyYAML (YAML 1.1)."""
import json
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

texts = json.load(sys.stdin)
out = []
for text in texts:
    try:
        out.append([doc for doc in yaml.load_all(text, Loader=Loader) if doc is not None])
    except Exception as error:  # reported back to the test
        out.append({"error": str(error)})
sys.stdout.write(json.dumps(out))
