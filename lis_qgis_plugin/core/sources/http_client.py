"""One HTTP client for every online source (ONS, Fingertips, Nomis, any URL), with the same promises.

Analysts download from council networks that time out, sit behind proxies and cut
transfers short. So every request here: names the plugin in its User-Agent; uses the
proxy configured in QGIS's network settings (or the standard environment variables);
times out after QGIS's network timeout; retries connection errors, timeouts, short
bodies and 5xx answers with a growing pause; stops at once when the user cancels
(the transfer runs in a worker thread that the caller's thread watches); and turns
every failure into one sentence naming the address, what happened and what to do.
API keys are read from the QGIS authentication manager, never from plain settings,
and never appear in messages.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from qgis.core import Qgis, QgsApplication, QgsFeedback, QgsSettings

from ..common.errors import CancelledError, LisError, LogLine
from ..common.plugin_files import plugin_metadata, plugin_version

#: Query parameters whose values are secrets: shown as *** in every message and log line.
SECRET_PARAMETERS = {"uid", "key", "apikey", "api_key", "token", "password", "access_token"}
SETTINGS_GROUP = "lis/online"
_CHUNK = 64 * 1024
_POLL_SECONDS = 0.05
_RETRY_STATUSES = {408, 429}


class OnlineSourceError(LisError, OSError):
    """An online source failed or answered with the wrong thing; the message says what to do."""


class HttpError(OnlineSourceError):
    """The request itself failed (status, network, timeout, proxy)."""


class _RetryableError(Exception):
    """A failure worth another try: network errors, timeouts, short bodies, 5xx."""


def setting(name: str, default: Any = None) -> Any:
    """A LIS online-source setting (``lis/online/<name>`` in the QGIS settings)."""
    return QgsSettings().value(f"{SETTINGS_GROUP}/{name}", default)


def redact(url: str) -> str:
    """The URL with secret query values (uid, key, token...) replaced by ***."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(name, "***" if name.lower() in SECRET_PARAMETERS else value) for name, value in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="*,:'()")))


def full_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """``url`` with ``params`` appended as a query string, as requests sends it."""
    if not params:
        return url
    query = urlencode([(name, value) for name, value in params.items() if value is not None], safe="*,:'()")
    return f"{url}{'&' if '?' in url else '?'}{query}"


def user_agent() -> str:
    """'LIS-QGIS-plugin/0.1.0 (QGIS 3.22.16; +homepage)': services can see who calls them."""
    homepage = plugin_metadata().get("homepage", "")
    return f"LIS-QGIS-plugin/{plugin_version()} (QGIS {Qgis.QGIS_VERSION.split('-')[0]}; +{homepage})"


def qgis_network_timeout() -> float:
    """QGIS's network timeout (Settings > Options > Network), in seconds; 60 s when unset."""
    try:
        milliseconds = int(QgsSettings().value("/qgis/networkAndProxy/networkTimeout", 60000))
    except (TypeError, ValueError):
        milliseconds = 60000
    return max(milliseconds, 1000) / 1000.0


def _as_bool(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part for part in value.split("|") if part.strip()]
    return [str(part) for part in value if str(part).strip()]


def proxies_for(url: str) -> dict[str, str | None] | None:
    """The proxies requests should use for ``url``, following QGIS's network settings.

    None means "as the environment says" (http_proxy, https_proxy, no_proxy), which is also
    what QGIS's "Default proxy" (system proxy) means on Linux. Mirrors QGIS 3.22's logic:
    ``proxy/noProxyUrls`` prefixes go direct, ``proxy/proxyExcludedUrls`` prefixes use the
    system proxy, anything else the configured proxy.
    """
    settings = QgsSettings()
    if not _as_bool(settings.value("proxy/proxyEnabled", False)):
        return None
    if any(url.startswith(prefix.strip()) for prefix in _as_list(settings.value("proxy/noProxyUrls", []))):
        return {"http": None, "https": None}
    if any(url.startswith(prefix.strip()) for prefix in _as_list(settings.value("proxy/proxyExcludedUrls", []))):
        return None
    kind = str(settings.value("proxy/proxyType", "") or "")
    if kind in ("", "DefaultProxy"):
        return None
    if kind not in ("HttpProxy", "HttpCachingProxy", "Socks5Proxy"):
        return {"http": None, "https": None}  # an FTP caching proxy does not carry HTTP
    host = str(settings.value("proxy/proxyHost", "") or "").strip()
    port = str(settings.value("proxy/proxyPort", "") or "").strip()
    if not host:
        raise HttpError(
            "QGIS's proxy is switched on but has no host. Set the proxy host in Settings > Options > Network, "
            "or switch the proxy off."
        )
    user = str(settings.value("proxy/proxyUser", "") or "")
    password = str(settings.value("proxy/proxyPassword", "") or "")
    authcfg = str(settings.value("proxy/authcfg", "") or "")
    if authcfg:
        user, password = _proxy_credentials(authcfg, user, password)
    scheme = "http"
    if kind == "Socks5Proxy":
        try:
            import socks  # noqa: F401 - PySocks, which requests needs for SOCKS proxies
        except ImportError as error:
            raise HttpError(
                "QGIS is set to use a SOCKS5 proxy, which needs the Python package PySocks (Debian: python3-socks). "
                "Install it, or use an HTTP proxy."
            ) from error
        scheme = "socks5h"
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    address = f"{scheme}://{credentials}{host}{f':{port}' if port and port != '0' else ''}"
    return {"http": address, "https": address}


def _proxy_credentials(authcfg: str, user: str, password: str) -> tuple[str, str]:
    """User and password of the proxy's authentication configuration (as QGIS applies it)."""
    from qgis.PyQt.QtNetwork import QNetworkProxy

    proxy = QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, "proxy", 0, user, password)
    manager = QgsApplication.authManager()
    if manager is not None and manager.updateNetworkProxy(proxy, authcfg):
        return proxy.user(), proxy.password()
    return user, password


def auth_config_secret(authcfg: str, purpose: str) -> str:
    """The key stored in a QGIS authentication configuration (its password, token or key field).

    Call from the main thread (an algorithm's prepareAlgorithm): unlocking the authentication
    database may ask the user for the master password.
    """
    from qgis.core import QgsAuthMethodConfig

    manager = QgsApplication.authManager()
    if manager is None or manager.isDisabled():
        raise OnlineSourceError(
            f"{purpose}: the QGIS authentication system is not available, so the key cannot be read. "
            "Check Settings > Options > Authentication."
        )
    if authcfg not in manager.configIds():
        raise OnlineSourceError(
            f"{purpose}: there is no authentication configuration with id '{authcfg}'. Create one in Settings > "
            "Options > Authentication (method 'Basic', the key as its password) and choose it here."
        )
    config = QgsAuthMethodConfig()
    if not manager.loadAuthenticationConfig(authcfg, config, True):
        raise OnlineSourceError(
            f"{purpose}: the authentication configuration '{authcfg}' cannot be read. Unlock the QGIS "
            "authentication database with its master password (for qgis_process, point QGIS_AUTH_PASSWORD_FILE "
            "at a file holding it)."
        )
    for key in ("password", "token", "apikey", "key", "value"):
        value = config.config(key, "")
        if value:
            return value
    raise OnlineSourceError(
        f"{purpose}: the authentication configuration '{config.name()}' holds no key. Put the key in its password."
    )


@dataclass
class Reply:
    """A complete answer: status, headers and the whole body."""

    url: str
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ('text/csv')."""
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body as text: UTF-8 (BOM or not), else Windows-1252."""
        try:
            return self.body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return self.body.decode("cp1252", errors="replace")

    def looks_like_html(self) -> bool:
        """True for a web page (a login or landing page served instead of data)."""
        start = self.body[:512].lstrip().lower()
        return self.content_type in ("text/html", "application/xhtml+xml") or start.startswith(
            (b"<!doctype html", b"<html")
        )


@dataclass
class _Transfer:
    """What the worker thread shares with the watching thread."""

    expected: int | None = None
    reply: Reply | None = None
    error: BaseException | None = None
    abandoned: bool = False


@dataclass
class HttpClient:
    """GET with timeouts, retries, proxy, cancel and clear errors. One per run; not shared between threads.

    ``timeout`` is the longest wait for the server to start answering or to send more bytes
    (default: QGIS's network timeout). ``retries`` more tries follow a failed one, after
    ``backoff``, 2 x ``backoff``, 4 x ``backoff`` seconds...
    """

    feedback: QgsFeedback | None = None
    timeout: float | None = None
    retries: int = 3
    backoff: float = 1.0
    connect_timeout: float = 15.0
    log: list[LogLine] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.timeout is None:
            self.timeout = qgis_network_timeout()

    def get(self, url: str, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> Reply:
        """The answer to GET ``url``: 2xx only; retried on temporary failures; HttpError otherwise."""
        shown = redact(full_url(url, params))
        last = ""
        for attempt in range(self.retries + 1):
            self._check_cancel()
            wait = 0.0
            try:
                reply = self._attempt(url, params, headers)
            except _RetryableError as problem:
                last = str(problem)
            else:
                retry_after = reply.headers.get("Retry-After", "")
                wait = min(float(retry_after), 60.0) if retry_after.strip().isdigit() else 0.0
                if reply.status < 400:
                    return reply
                if reply.status < 500 and reply.status not in _RETRY_STATUSES:
                    raise HttpError(client_error_message(shown, reply))
                last = f"the server answered {reply.status} {reply.reason}".rstrip()
                detail = _error_detail(reply)
                if detail:
                    last += f" ({detail})"
            if attempt < self.retries:
                delay = max(self.backoff * (2**attempt), wait)  # a busy server's Retry-After is honoured
                self.log.append(
                    LogLine(f"{shown}: {last}; trying again in {delay:g} s (retry {attempt + 1} of {self.retries}).")
                )
                self._sleep(delay)
        raise HttpError(f"{shown}: {last}, after {self.retries + 1} tries. {_advice(last)}")

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET and parse JSON; a web page, an empty or a broken body is a clear error."""
        reply = self.get(url, params)
        return parse_json(reply, redact(full_url(url, params)))

    def _check_cancel(self) -> None:
        if self.feedback is not None and self.feedback.isCanceled():
            raise CancelledError("Cancelled: no output was written.")

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._check_cancel()
            time.sleep(min(_POLL_SECONDS, max(end - time.monotonic(), 0)))

    def _attempt(self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None) -> Reply:
        """One try, run in a worker thread so that a cancel is noticed at once, even mid-wait."""
        transfer = _Transfer()
        proxies = proxies_for(url)  # read here: QgsSettings belongs to the calling thread
        worker = threading.Thread(
            target=self._transfer, args=(url, params, headers, proxies, transfer), daemon=True, name="lis-http"
        )
        worker.start()
        while worker.is_alive():
            worker.join(_POLL_SECONDS)
            if self.feedback is not None and self.feedback.isCanceled():
                transfer.abandoned = True  # the worker stops at its next chunk; its result is dropped
                raise CancelledError("Cancelled: no output was written.")
        if transfer.error is not None:
            raise transfer.error
        assert transfer.reply is not None
        return transfer.reply

    def _transfer(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        proxies: dict[str, str | None] | None,
        transfer: _Transfer,
    ) -> None:
        import requests

        sent = {"User-Agent": user_agent(), "Accept": "*/*", **(headers or {})}
        try:
            with requests.Session() as session:
                response = session.get(
                    url,
                    params=dict(params or {}),
                    headers=sent,
                    proxies=proxies,
                    timeout=(min(self.connect_timeout, self.timeout), self.timeout),
                    stream=True,
                )
                with response:
                    encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
                    length = response.headers.get("Content-Length")
                    transfer.expected = int(length) if length and length.isdigit() and not encoded else None
                    chunks = []
                    for chunk in response.iter_content(_CHUNK):
                        if transfer.abandoned:
                            return
                        chunks.append(chunk)
                    body = b"".join(chunks)
                    if transfer.expected is not None and len(body) < transfer.expected:
                        raise _RetryableError(
                            f"the download was cut short ({len(body):,} of {transfer.expected:,} bytes arrived)"
                        )
                    transfer.reply = Reply(
                        response.url, response.status_code, response.reason or "", response.headers, body
                    )
        except _RetryableError as problem:
            transfer.error = problem
        except requests.exceptions.ProxyError as error:
            transfer.error = _RetryableError(f"the proxy failed or refused the connection ({_root_cause(error)})")
        except requests.exceptions.SSLError as error:
            transfer.error = HttpError(
                f"{redact(full_url(url, params))}: the secure connection failed ({_root_cause(error)}). If your "
                "network inspects HTTPS, add its certificate authority in Settings > Options > Authentication."
            )
        except requests.exceptions.Timeout:
            transfer.error = _RetryableError(f"no answer within {self.timeout:g} s (timed out)")
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as error:
            transfer.error = _RetryableError(f"the download was cut short ({_root_cause(error)})")
        except requests.exceptions.ConnectionError as error:
            cause = _root_cause(error)
            if "timed out" in cause.lower():
                transfer.error = _RetryableError(f"no answer within {self.timeout:g} s (timed out)")
            else:
                transfer.error = _RetryableError(f"the connection failed ({cause})")
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
            transfer.error = HttpError(
                f"{redact(url)}: this is not a web address LIS can download from. Give a full http:// or https:// URL."
            )
        except BaseException as error:  # handed to the watching thread, which raises it
            transfer.error = error


def _root_cause(error: BaseException) -> str:
    """The innermost message of a requests/urllib3 error chain, short enough for one sentence."""
    seen = error
    for _ in range(10):  # causes are carried in args (requests, urllib3's ProtocolError) or .reason (MaxRetryError)
        inner = next((item for item in seen.args if isinstance(item, BaseException)), None)
        inner = inner or getattr(seen, "reason", None) or seen.__cause__
        if not isinstance(inner, BaseException) or inner is seen:
            break
        seen = inner
    text = re.sub(r"<[^>]+>", "", str(seen)).strip() or type(seen).__name__
    text = re.sub(r"HTTPConnectionPool\(host='[^']*', port=\d+\): ", "", text)
    text = text.lstrip(": ")
    return text[:200]


def _error_detail(reply: Reply) -> str:
    """A short message from an error body ({"error": {"message": ...}} or plain text), if there is one."""
    if not reply.body or reply.looks_like_html():
        return ""
    try:
        data = json.loads(reply.text())
    except ValueError:
        text = " ".join(reply.text().split())
        return text[:160]
    if isinstance(data, dict):
        inner = data.get("error", data)
        if isinstance(inner, dict):
            return str(inner.get("message") or inner.get("Message") or "")[:160]
        return str(inner)[:160]
    return ""


_STATUS_ADVICE = {
    400: "The server rejected the query: check the ids, codes and options given.",
    401: "The service needs a key or a sign-in: give an authentication configuration that holds it.",
    403: "The service refused access: check the key in your authentication configuration, or whether the "
    "data is public.",
    404: "Nothing is published at this address: check the base URL and the service or dataset name "
    "(ONS renames its services with each release; a catalogue entry can be overridden with a full URL).",
    407: "The proxy needs a user name and password: set them in Settings > Options > Network.",
    410: "The service has been withdrawn: look for its replacement and give its URL.",
}


def client_error_message(shown_url: str, reply: Reply) -> str:
    """'URL: the server answered 404 Not Found. What to do.' for a 4xx answer."""
    detail = _error_detail(reply)
    advice = _STATUS_ADVICE.get(reply.status, "Check the address and the options given.")
    said = f" ({detail})" if detail else ""
    return f"{shown_url}: the server answered {reply.status} {reply.reason}{said}. {advice}".replace(" .", ".")


def _advice(problem: str) -> str:
    if "timed out" in problem:
        return (
            "The service may be busy: try again later, or raise the timeout in Settings > Options > Network "
            "(Timeout for network requests)."
        )
    if "proxy" in problem:
        return "Check the proxy in Settings > Options > Network."
    if "cut short" in problem:
        return "The connection keeps breaking mid-download: try again later, or from another network."
    if "answered 5" in problem or "answered 429" in problem:
        return "The service is failing or busy: try again later, or point LIS at a mirror of it."
    return (
        "Check the address and your network connection; if you reach the internet through a proxy, set it in "
        "Settings > Options > Network."
    )


def parse_json(reply: Reply, shown_url: str) -> Any:
    """The JSON of a reply, or an OnlineSourceError that says why it is not JSON."""
    if reply.looks_like_html():
        raise OnlineSourceError(
            f"{shown_url}: the server sent a web page ({reply.content_type or 'HTML'}), not JSON data. The address "
            "may point at a landing or login page: check it."
        )
    text = reply.text()
    if not text.strip():
        raise OnlineSourceError(f"{shown_url}: the server sent an empty answer where JSON data was expected.")
    try:
        return json.loads(text)
    except ValueError as error:
        raise OnlineSourceError(
            f"{shown_url}: the answer is not valid JSON ({error.msg} at character {error.pos:,} of {len(text):,}); "
            "the download may have been cut short, or the service is failing. Try again later."
        ) from error
