"""The simulated focal points of ``benchmarks/load.py``: a locustfile, run by locust in its own virtualenv.

Each simulated person logs in with one of the logins ``load.py`` created, then goes round the pages of a focal
point's day, thinking between pages: the work list, the list of recommendations, a search, and a progress update
written through the web form (the form read, then posted with its CSRF token, then the update's page followed),
each update carrying a marker of its own. What every request took, and which markers the server said it saved,
are written to ``RASD_LOAD_OUT`` when locust stops, for ``load.py`` to measure and to check in the database.
"""

import datetime
import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, SequentialTaskSet, between, events, task

PEOPLE = json.loads(open(os.environ["RASD_LOAD_PEOPLE"], encoding="utf-8").read())
OUT = os.environ["RASD_LOAD_OUT"]
THINK = tuple(float(s) for s in os.environ.get("RASD_LOAD_THINK", "1,3").split(","))
# Words a focal point looks for, in the three languages of the texts.
SEARCHES = ["torture", "تعذيب", "enfants", "المرأة", "justice", "détention", "education", "الإعاقة", "prison"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPDATE_PAGE = re.compile(r"^/updates/(\d+)/$")

_next_person = itertools.count()
outcome = {"requests": [], "saved": {}, "not_saved": []}


@events.request.add_listener
def _timed(request_type, name, response_time, exception, **kwargs):
    # When it started (seconds since the epoch), its name, how long it took (ms), and its error if any.
    started = time.time() - response_time / 1000
    outcome["requests"].append([started, name, response_time, None if exception is None else str(exception)[:300]])


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(outcome, out)


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


class FocalPointDay(SequentialTaskSet):
    @task
    def work_list(self):
        self.client.get("/work/", name="work list")

    @task
    def recommendation_list(self):
        self.client.get(f"/recommendations/?page={random.randint(1, 5)}", name="recommendation list")

    @task
    def recommendation_search(self):
        self.client.get("/recommendations/", params={"q": random.choice(SEARCHES)}, name="recommendation search")

    @task
    def progress_update(self):
        """The form read, posted, and the saved update's page followed: one task, so that stopping the test never
        leaves an update posted but not yet confirmed."""
        recommendation = random.choice(self.user.person["recommendations"])
        url = f"/updates/new/?recommendation={recommendation}"
        form = self.client.get(url, name="update form")
        if form.status_code != 200:
            return
        marker = f"load-{uuid.uuid4().hex}"
        data = {
            "csrfmiddlewaretoken": csrf_token(form.text),
            "text": f"Progress reported under load ({marker}): training sessions held in three regions.",
            "date": datetime.date.today().isoformat(),
            "proposed_status": "in_progress",
        }
        with self.client.post(url, data=data, name="update post", allow_redirects=False, catch_response=True) as sent:
            saved = UPDATE_PAGE.match(sent.headers.get("Location", "")) if sent.status_code == 302 else None
            if saved is None:
                outcome["not_saved"].append(marker)
                sent.failure(f"not saved: HTTP {sent.status_code}")
                return
            outcome["saved"][marker] = int(saved.group(1))
        with self.client.get(sent.headers["Location"], name="update page", catch_response=True) as page:
            if page.status_code == 200 and marker not in page.text:
                page.failure("the saved update's page does not show its text")


class FocalPoint(HttpUser):
    wait_time = between(*THINK)
    tasks = [FocalPointDay]

    def on_start(self):
        self.person = PEOPLE[next(_next_person) % len(PEOPLE)]
        self.client.headers["Accept-Language"] = "ar"
        form = self.client.get("/accounts/login/", name="login form")
        credentials = {"username": self.person["username"], "password": self.person["password"]}
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": csrf_token(form.text), **credentials},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: HTTP {response.status_code}")
