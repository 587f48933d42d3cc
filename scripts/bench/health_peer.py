"""The peer of scripts/bench_slowclients.sh: FastAPI on uvicorn answering GET /health/live, as the
original service would, with uvicorn's defaults (timeout-keep-alive 5 s, no header timeout)."""
from datetime import datetime, timezone

from fastapi import FastAPI

app = FastAPI()


@app.get("/health/live")
def live():
    return {"status": "alive", "timestamp": datetime.now(timezone.utc).isoformat()}
