"""The Python peer of TaskBench: the same no-op task through Celery on the same Redis.

The original service ran its tasks with Celery on Redis. Configured as our Redis queue behaves:
acknowledged after the task ran (task_acks_late, so a killed worker's task is redelivered) and one
task prefetched per worker process; JSON serialization; results in Redis.

  celery_peer.py worker REDIS_URL       runs a worker (2 prefork processes)
  celery_peer.py client REDIS_URL TASKS prints the figures, one line, as TaskBench does
Run by scripts/bench_tasks.sh.
"""
import sys
import time

from celery import Celery


def make_app(redis_url):
    app = Celery("bench", broker=redis_url.rsplit("/", 1)[0] + "/1", backend=redis_url.rsplit("/", 1)[0] + "/2")
    app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, task_serializer="json",
                    result_serializer="json", accept_content=["json"], result_expires=600,
                    broker_connection_retry_on_startup=True)

    @app.task(name="noop")
    def noop(query):
        return time.time()

    return app, noop


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * p // 100)]


def client(redis_url, tasks):
    app, noop = make_app(redis_url)
    query = "x" * 64
    for round_ in range(2):  # the second round is the one reported, as in TaskBench
        submit_call, to_start, to_result = [], [], []
        for _ in range(tasks):
            t0 = time.time()
            result = noop.apply_async((query,))
            t1 = time.time()
            started = result.get(timeout=60)
            t2 = time.time()
            submit_call.append(t1 - t0)
            to_start.append(started - t0)
            to_result.append(t2 - t0)
        burst_start = time.time()
        results = [noop.apply_async((query,)) for _ in range(tasks)]
        for result in results:
            result.get(timeout=120)
        burst = time.time() - burst_start
        if round_ > 0:
            ms = lambda values, p: "%.3f ms" % (percentile(values, p) * 1000)
            print("celery submit call p50 %s p99 %s | submit-to-start p50 %s p99 %s | "
                  "submit-to-result-visible p50 %s p99 %s | burst of %d: %.0f tasks/s"
                  % (ms(submit_call, 50), ms(submit_call, 99), ms(to_start, 50), ms(to_start, 99),
                     ms(to_result, 50), ms(to_result, 99), tasks, tasks / burst))


if __name__ == "__main__":
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "worker":
        app, _ = make_app(url)
        app.worker_main(["worker", "--concurrency", "2", "--pool", "prefork", "--loglevel", "WARNING",
                         "--without-gossip", "--without-mingle", "--without-heartbeat"])
    else:
        client(url, int(sys.argv[3]))
