"""bol.com Retailer API v10: applying a plan offer by offer (``upload: {type: bol_api}``).

Auth is OAuth client credentials: ``POST token_url?grant_type=client_credentials`` with HTTP Basic
``client_id:client_secret`` gives a bearer token that lives about five minutes. One token is fetched and reused
until shortly before it expires; a 401 fetches a new one once. The token is added to the client's secrets, so it
never reaches a message.

bol's API works per offer, so every change is one request, sent in sequence (bol allows 50 per second per
endpoint; 429 with ``Retry-After`` and 5xx are retried by the HTTP client). Each answer is ``202 Accepted`` with a
process status: received, not done. Once every request is sent, the open process statuses are read
(``GET /shared/process-status/{id}``) in rounds with a doubling wait (``status_wait``, at most ``status_checks``
rounds) until each is ``SUCCESS``, ``FAILURE`` or ``TIMEOUT``
(https://api.bol.com/retailer/public/Retailer-API/v10/functional/shared-api/process-status.html). Only what
succeeded is journalled; a failure, a timeout or a status still pending after the last round fails that offer.
A new offer's id is its process status's ``entityId``. Values are absolute:

- price: ``PUT /offers/{offer-id}/price`` with one bundle price for quantity 1, in euros, written from the cents
  (never through binary floating point);
- stock: ``PUT /offers/{offer-id}/stock`` with ``managedByRetailer: true``, 0 to 999. Never for an offer bol
  fulfils (FBB): that stock is bol's;
- relisting (``listed``): stock is set, as an offer with stock is sellable. An offer the retailer put on hold
  stays on hold: lifting the hold is ``PUT /offers/{offer-id}``, which is not sent; it is reported as not applied;
- delisting: stock 0 (an offer is never deleted, so its history and id stay); an offer whose stock is 0 already
  needs no request. The offer is not put on hold, so a later export still shows it live (at 0) and the plan
  lists it as delisted again: nothing is sent for it then;
- a new offer: ``POST /offers`` (FBR, not on hold, the SKU as reference, the master title as
  ``unknownProductTitle`` for an EAN bol does not know).

A change of an offer's reference (SKU) or condition is not sent through the API (reported as not applied).
A request bol refuses (4xx) fails that offer only; the others still go out. A failure that will hit every offer
(the token refused, retries used up) stops the run: that offer and every one not yet sent are reported as failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from ...errors import TransportError
from ...fields import Field
from ...i18n import N_, _
from ...model import CREATE, DELIST, LISTED, UPDATE, Plan
from ...transports.http import HttpClient
from ..base import FIXED, Desired, OnApplied
from .columns import BY_BOL, BY_RETAILER, FULFILMENT, MAX_STOCK, OFFER_ID, ON_HOLD, condition_names
from .session import BolSession, status_of

PRICE, QUANTITY, SKU, CONDITION = Field.PRICE.value, Field.QUANTITY.value, Field.SKU.value, Field.CONDITION.value
#: Carried fields that the price and stock endpoints cannot change, and why.
NOT_SENT = {
    SKU: N_(
        "the reference (SKU) of an existing offer is not changed through the API; change it in the seller dashboard"
    ),
    CONDITION: N_(
        "bol.com keeps an offer's condition; another condition is another offer, which is not created through the API"
    ),
}


def euros(cents: Any) -> Decimal:
    """Integer cents as an exact euro amount with two decimals (1299 -> 12.99)."""
    return Decimal(int(cents)).scaleb(-2)


# --- the plan as requests ------------------------------------------------------------------------------------


@dataclass
class Step:
    what: str  # "price", "stock", "new offer": for messages
    method: str
    path: str
    body: dict[str, Any]
    sets: dict[str, Any]  # canonical field -> value, journalled once bol accepted it


@dataclass
class Job:
    key: str
    sku: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what cannot be sent, reported after the steps
    done: dict[str, Any] = field(default_factory=dict)  # true already, journalled without a request


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _value(frame: pd.DataFrame, key: str, name: str) -> Any:
    return frame.at[key, name] if name in frame.columns and key in frame.index else None


def _stock(amount: Any) -> int:
    return max(0, min(MAX_STOCK, int(amount)))


def price_step(offer: str, cents: Any) -> Step:
    body = {"pricing": {"bundlePrices": [{"quantity": 1, "unitPrice": euros(cents)}]}}
    return Step(N_("price"), "PUT", f"offers/{offer}/price", body, {PRICE: int(cents)})


def stock_step(offer: str, amount: int, sets: dict[str, Any]) -> Step:
    return Step(N_("stock"), "PUT", f"offers/{offer}/stock", {"amount": amount, "managedByRetailer": True}, sets)


def jobs_of(plan: Plan) -> list[Job]:
    """One job per offer to change: its requests, and what cannot be sent and why."""
    current, wanted = plan.current, plan.desired
    fields: dict[str, set[str]] = {}
    for key, name in zip(plan.changes["key"].tolist(), plan.changes["field"].tolist(), strict=True):
        fields.setdefault(str(key), set()).add(str(name))

    def sku_of(key: str, frame: pd.DataFrame) -> str:
        return _text(_value(frame, key, SKU)) or key

    def by_bol(key: str) -> bool:
        fixed = _text(_value(current, key, FIXED))
        return _text(_value(current, key, FULFILMENT)).upper() == BY_BOL or QUANTITY in fixed.split(",")

    jobs: list[Job] = []
    for key in map(str, plan.keys(UPDATE)):
        job = Job(key, sku_of(key, wanted))
        jobs.append(job)
        changed = fields.get(key, set())
        offer = _text(_value(current, key, OFFER_ID))
        if not offer:
            job.problems.append(_("bol.com's offer id is not in the export; take a fresh offer export"))
            continue
        if PRICE in changed:
            cents = _value(wanted, key, PRICE)
            if _missing(cents):
                job.problems.append(_("the master has no price for it"))
            else:
                job.steps.append(price_step(offer, cents))
        relist = LISTED in changed
        if QUANTITY in changed or relist:
            amount = _value(wanted, key, QUANTITY)
            if by_bol(key):
                if relist:
                    job.problems.append(_("bol.com fulfils this offer (FBB): it is put back on sale in the dashboard"))
            elif _missing(amount):
                job.problems.append(_("its stock is unknown in the master, so it is not put back on sale"))
            else:
                on_hold = bool(_value(current, key, ON_HOLD)) if not _missing(_value(current, key, ON_HOLD)) else False
                sets: dict[str, Any] = {QUANTITY: _stock(amount)}
                if relist and not on_hold:
                    sets[LISTED] = True
                job.steps.append(stock_step(offer, _stock(amount), sets))
                if relist and on_hold:
                    job.problems.append(
                        _(
                            "the offer is on hold at bol.com: its stock is set, but the hold is lifted in the seller "
                            "dashboard (chansync does not send PUT /offers/{offer-id})"
                        )
                    )
        job.problems.extend(_(NOT_SENT[name]) for name in sorted(changed) if name in NOT_SENT)
    for key in map(str, plan.keys(CREATE)):
        job = Job(key, sku_of(key, wanted))
        jobs.append(job)
        cents = _value(wanted, key, PRICE)
        if _missing(cents):
            job.problems.append(_("the master has no price for it, so no offer is created"))
            continue
        amount = _value(wanted, key, QUANTITY)
        stock = 0 if _missing(amount) else _stock(amount)  # unknown stock: offered with none until it is known
        condition = _text(_value(wanted, key, CONDITION)) or "new"
        body: dict[str, Any] = {
            "ean": key,
            "condition": {"name": condition_names(pd.Series([condition], dtype="str"), None, None).iloc[0]},
            "reference": job.sku,
            "onHoldByRetailer": False,
        }
        title = _text(_value(wanted, key, Field.TITLE.value)).strip()
        if title:
            body["unknownProductTitle"] = title
        body["pricing"] = {"bundlePrices": [{"quantity": 1, "unitPrice": euros(cents)}]}
        body["stock"] = {"amount": stock, "managedByRetailer": True}
        body["fulfilment"] = {"method": BY_RETAILER}
        sets = {SKU: job.sku, PRICE: int(cents), QUANTITY: stock, CONDITION: condition, LISTED: True}
        job.steps.append(Step(N_("new offer"), "POST", "offers", body, sets))
    for key in map(str, plan.keys(DELIST)):
        job = Job(key, sku_of(key, current))
        jobs.append(job)
        offer = _text(_value(current, key, OFFER_ID))
        if not offer:
            job.problems.append(_("bol.com's offer id is not in the export; take a fresh offer export"))
        elif by_bol(key):
            job.problems.append(
                _("bol.com fulfils this offer (FBB) and keeps its stock: put it on hold in the dashboard")
            )
        elif _text(_value(current, key, QUANTITY)) == "0":
            job.done = {LISTED: False}  # no stock already: nothing to send (bol watches for needless calls)
        else:
            job.steps.append(stock_step(offer, 0, {QUANTITY: 0, LISTED: False}))
    return jobs


# --- applying -------------------------------------------------------------------------------------------------

#: Process status values (https://api.bol.com/retailer/public/Retailer-API/v10/functional/shared-api/process-status.html):
#: a change is PENDING until bol's downstream service answers SUCCESS or FAILURE; TIMEOUT when it did not answer.
PENDING, SUCCESS, FAILURE, TIMEOUT = "PENDING", "SUCCESS", "FAILURE", "TIMEOUT"
#: The longest wait between two rounds of process status reads.
MAX_STATUS_WAIT = 30.0


@dataclass
class Sent:
    """One request bol accepted (202) whose process status is not final yet."""

    job: Job
    step: Step
    status_id: str


@dataclass
class Outcome:
    """What became of one offer's requests: the values bol confirmed, and why the others were not applied."""

    confirmed: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    open: int = 0  # requests whose process status is not final yet
    journalled: bool = False


def status_url(upload: Any) -> str:
    """Where process statuses live: ``/shared/process-status/{id}`` next to ``/retailer`` on the same host
    (https://api.bol.com/retailer/public/Retailer-API/v10/functional/shared-api/process-status.html)."""
    configured = getattr(upload, "status_url", None)
    if configured:
        return str(configured).rstrip("/")
    base = str(getattr(upload, "url", "") or "https://api.bol.com/retailer").rstrip("/")
    return base.removesuffix("/retailer") + "/shared"


def _settled(status: dict[str, Any], outcome: Outcome, step: Step, scrub: Callable[[str], str]) -> bool:
    """Record a final process status in ``outcome``; False while it is still PENDING. A SUCCESS confirms the step's
    values; a new offer's id is the status's ``entityId``
    (https://api.bol.com/retailer/public/Retailer-API/v10/functional/retailer-api/offers.html)."""
    state = str(status.get("status", "")).upper()
    if state == SUCCESS:
        outcome.confirmed.update(step.sets)
        entity = _text(status.get("entityId"))
        if step.method == "POST" and entity:
            outcome.confirmed[OFFER_ID] = entity
        return True
    if state in (FAILURE, TIMEOUT):
        message = _text(status.get("errorMessage")) or _("its process status is {state}").format(state=state)
        outcome.reasons.append(
            _("bol.com did not apply the {what}: {reason}").format(what=_(step.what), reason=scrub(message))
        )
        return True
    return False


class Applier:
    """Sends a plan's requests, then reads their process statuses in rounds until each is final."""

    def __init__(self, session: BolSession, upload: Any, applied: OnApplied, sleep: Callable[[float], None]) -> None:
        self.session, self.applied, self.sleep = session, applied, sleep
        self.status_url = status_url(upload)
        self.checks = int(getattr(upload, "status_checks", 8))
        self.wait = float(getattr(upload, "status_wait", 1.0))
        self.outcomes: dict[str, Outcome] = {}
        self.sent: list[Sent] = []

    def send(self, job: Job) -> None:
        """Send one offer's requests; a refusal (4xx) fails that request only. Raises on a failure that will hit
        every offer (retries used up, the token refused)."""
        outcome = self.outcomes.setdefault(job.key, Outcome(dict(job.done)))
        for step in job.steps:
            try:
                status = self.session.send(step.method, step.path, step.body, job.key)
            except TransportError as error:
                if error.retriable or status_of(error) in (None, 401):
                    raise
                outcome.reasons.append(
                    _("bol.com refused the {what}: {reason}").format(
                        what=_(step.what), reason=self.session.scrub(error.message)
                    )
                )
                continue
            if _settled(status, outcome, step, self.session.scrub):
                continue
            status_id = _text(status.get("processStatusId"))
            if not status_id:
                outcome.reasons.append(
                    _("bol.com accepted the {what} without a process status to follow").format(what=_(step.what))
                )
                continue
            outcome.open += 1
            self.sent.append(Sent(job, step, status_id))

    def follow(self) -> None:
        """Read every open process status, round after round with a doubling wait, until each is final or the
        checks are used up (then reported: bol may still apply it later). Offers are journalled as they settle."""
        wait = self.wait
        for _check in range(self.checks):
            if not self.sent:
                return
            self.sleep(wait)
            wait = min(wait * 2, MAX_STATUS_WAIT)
            still: list[Sent] = []
            for sent in self.sent:
                outcome = self.outcomes[sent.job.key]
                try:
                    status = self.session.status(self.status_url, sent.status_id, sent.job.key)
                except TransportError as error:
                    if error.retriable or status_of(error) in (None, 401):
                        raise
                    message = self.session.scrub(error.message)
                    why = _("its process status cannot be read: {error}").format(error=message)
                    status = {"status": FAILURE, "errorMessage": why}
                if status is None or not _settled(status, outcome, sent.step, self.session.scrub):
                    still.append(sent)
                    continue
                outcome.open -= 1
                self.settle(sent.job)
            self.sent = still
        for sent in self.sent:
            outcome = self.outcomes[sent.job.key]
            outcome.reasons.append(
                _(
                    "bol.com had not finished the {what} after {checks} checks (process status {status_id}); "
                    "it may still be applied: the next export shows it"
                ).format(what=_(sent.step.what), checks=self.checks, status_id=sent.status_id)
            )
            outcome.open -= 1
            self.settle(sent.job)
        self.sent = []

    def settle(self, job: Job) -> None:
        """Journal what bol confirmed for ``job`` once none of its requests is open."""
        outcome = self.outcomes[job.key]
        if outcome.open == 0 and outcome.confirmed and not outcome.journalled:
            self.applied([{"key": job.key, "set": outcome.confirmed}])
            outcome.journalled = True

    def failed(self, jobs: list[Job]) -> dict[str, str]:
        failed: dict[str, str] = {}
        for job in jobs:
            outcome = self.outcomes.get(job.key)
            reasons = [*(outcome.reasons if outcome else []), *job.problems]
            if reasons:
                prefix = f"{job.sku}: " if job.sku != job.key else ""
                failed[job.key] = prefix + "; ".join(reasons)
        return failed


def apply_plan(
    plan: Plan,
    desired: Desired,
    client: HttpClient,
    applied: OnApplied,
    upload: Any,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """Send the plan's changes offer by offer, then follow each one's process status; return {key: reason} for
    what was not applied. ``applied`` is called per offer with what bol's process status confirmed (for the
    journal): a 202 means received, not done. Raises :class:`TransportError` naming every offer not confirmed
    when a failure would hit them all (bad credentials, retries used up)."""
    session = BolSession.of(client, upload, clock)
    applier = Applier(session, upload, applied, sleep)
    jobs = jobs_of(plan)
    for position, job in enumerate(jobs):
        try:
            applier.send(job)
        except TransportError as error:
            _follow_quietly(applier)  # what bol accepted before the stop is still confirmed and journalled
            done = {j.key for j in jobs[:position] if _all_confirmed(applier, j)}
            undone = [j.key for j in jobs if j.key not in done]
            raise TransportError(
                session.scrub(error.message), retriable=error.retriable, skus=tuple(undone), hint=error.hint
            ) from None
        if not applier.outcomes[job.key].open:
            applier.settle(job)
    try:
        applier.follow()
    except TransportError as error:
        undone = [j.key for j in jobs if not _all_confirmed(applier, j)]
        raise TransportError(
            session.scrub(error.message), retriable=error.retriable, skus=tuple(undone), hint=error.hint
        ) from None
    return applier.failed(jobs)


def _all_confirmed(applier: Applier, job: Job) -> bool:
    outcome = applier.outcomes.get(job.key)
    return outcome is not None and outcome.open == 0 and not outcome.reasons and not job.problems


def _follow_quietly(applier: Applier) -> None:
    """Follow the open process statuses after a stop; a second failure leaves them unconfirmed."""
    try:
        applier.follow()
    except TransportError:
        applier.sent = []
