"""One HTTP client for every online source (ONS, Fingertips, Nomis, any URL), with the same promises.

Analysts download from council networks that time out, sit behind proxies and cut
transfers short. So every request here: names the plugin in its User-Agent; uses the
proxy configured in QGIS's network settings (or the standard environment variables);
times out after QGIS's network timeout; retries connection errors, timeouts, short
bodies and 5xx answers with a growing pause; stops at once when the user cancels
(the transfer runs in a worker thread that the caller's thread watches); and turns
every failure into one sentence naming the address, what happened and what to do.
A reply is only handed on whole: its bytes must match the Content-Length and a gzip
or deflate stream must reach its end (a proxy that cuts a compressed transfer short
leaves a valid-looking start). Each download also has an overall deadline (a server
that drips bytes never trips the timeout), a largest size, and a redirect limit.
API keys are read from the QGIS authentication manager, never from plain settings,
and never appear in messages.

The proxy and the timeout arrive as :class:`HttpOptions` (``lis_qgis_plugin.settings``
reads them from QGIS's settings): this module reads no settings, so a download behaves
the same whatever profile it runs in, and a test states its network in one value.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import socket
import threading
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from qgis.core import Qgis, QgsApplication, QgsFeedback

from ..common.errors import CancelledError, LisError, LogLine
from ..common.plugin_files import plugin_metadata, plugin_version

#: Query parameters whose values are secrets: shown as *** in every message and log line.
SECRET_PARAMETERS = frozenset({"uid", "key", "apikey", "api_key", "token", "password", "access_token"})
#: QGIS's own network timeout when none is set (Settings > Options > Network: 60,000 ms).
DEFAULT_TIMEOUT_SECONDS = 60.0
#: QGIS proxy types (its ``proxy/proxyType`` setting) that carry HTTP requests.
HTTP_PROXY_KINDS = frozenset({"HttpProxy", "HttpCachingProxy", "Socks5Proxy"})
#: The longest one download may take, retries included, unless the setting lis/online/downloadDeadline says.
DEFAULT_DEADLINE_SECONDS = 600.0
#: The largest download LIS accepts (bytes, before and after decompression), unless lis/online/maxDownloadMB says.
DEFAULT_MAX_BYTES = 500 * 1024 * 1024
#: Redirects followed before a download is refused as a redirect loop.
DEFAULT_MAX_REDIRECTS = 10
_CHUNK = 64 * 1024
_POLL_SECONDS = 0.05
_RETRY_STATUSES = frozenset({408, 429})


class OnlineSourceError(LisError, OSError):
    """An online source failed or answered with the wrong thing; the message says what to do."""


class HttpError(OnlineSourceError):
    """The request itself failed (status, network, timeout, proxy)."""


class DeadlineError(HttpError):
    """A download did not finish within its overall deadline."""


class _RetryableError(Exception):
    """A failure worth another try: network errors, timeouts, short bodies, 5xx."""


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


@dataclass(frozen=True)
class ProxySettings:
    """QGIS's proxy as Settings > Options > Network holds it (``proxy/...``), credentials already resolved.

    ``kind`` is QGIS's proxy type name ("DefaultProxy", "HttpProxy", "HttpCachingProxy",
    "Socks5Proxy", "FtpCachingProxy"); ``no_proxy_urls`` are address prefixes that go direct,
    ``excluded_urls`` prefixes that use the system proxy. The default is "no proxy set".
    """

    enabled: bool = False
    kind: str = ""
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    no_proxy_urls: tuple[str, ...] = ()
    excluded_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class HttpOptions:
    """How requests reach the network; built by lis_qgis_plugin.settings.

    ``timeout`` is QGIS's (seconds without a byte); ``deadline`` the longest one download
    may take in all, retries included; ``max_bytes`` the largest body accepted (before and
    after decompression); ``max_redirects`` how many redirects are followed.
    """

    timeout: float = DEFAULT_TIMEOUT_SECONDS
    proxy: ProxySettings = ProxySettings()
    deadline: float = DEFAULT_DEADLINE_SECONDS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS


def proxies_for(url: str, proxy: ProxySettings) -> dict[str, str | None] | None:
    """The proxies requests should use for ``url``, following QGIS's network settings.

    None means "as the environment says" (http_proxy, https_proxy, no_proxy), which is also
    what QGIS's "Default proxy" (system proxy) means on Linux. Mirrors QGIS 3.22's logic:
    ``no_proxy_urls`` prefixes go direct, ``excluded_urls`` prefixes use the system proxy,
    anything else the configured proxy.
    """
    if not proxy.enabled:
        return None
    if any(url.startswith(prefix) for prefix in proxy.no_proxy_urls):
        return {"http": None, "https": None}
    if any(url.startswith(prefix) for prefix in proxy.excluded_urls) or proxy.kind in ("", "DefaultProxy"):
        return None
    if proxy.kind not in HTTP_PROXY_KINDS:
        return {"http": None, "https": None}  # an FTP caching proxy does not carry HTTP
    if not proxy.host:
        raise HttpError(
            "QGIS's proxy is switched on but has no host. Set the proxy host in Settings > Options > Network, "
            "or switch the proxy off."
        )
    scheme = "http"
    if proxy.kind == "Socks5Proxy":
        if importlib.util.find_spec("socks") is None:  # PySocks, which requests needs for SOCKS proxies
            raise HttpError(
                "QGIS is set to use a SOCKS5 proxy, which needs the Python package PySocks (Debian: python3-socks). "
                "Install it, or use an HTTP proxy."
            )
        scheme = "socks5h"
    credentials = f"{quote(proxy.user, safe='')}:{quote(proxy.password, safe='')}@" if proxy.user else ""
    port = f":{proxy.port}" if proxy.port and proxy.port != "0" else ""
    address = f"{scheme}://{credentials}{proxy.host}{port}"
    return {"http": address, "https": address}


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
    received: int = 0
    reply: Reply | None = None
    error: BaseException | None = None
    abandoned: bool = False
    response: Any = None

    def abandon(self) -> None:
        """Drop the transfer: the worker stops at its next chunk, and a read blocked on a dripping server ends now."""
        self.abandoned = True
        connection: Any = getattr(getattr(self.response, "raw", None), "connection", None)
        with contextlib.suppress(AttributeError, OSError):  # no connection (yet, or any more): nothing to end
            connection.sock.shutdown(socket.SHUT_RDWR)


@dataclass
class HttpClient:
    """GET with timeouts, retries, proxy, cancel and clear errors. One per run; not shared between threads.

    ``options`` carry the proxy and the timeout, the longest wait for the server to start
    answering or to send more bytes (the caller passes QGIS's; the default is QGIS's default,
    60 s, and no proxy), and the overall deadline, largest size and redirect limit of each
    :meth:`get`, retries included. ``retries`` more tries follow a failed one, after
    ``backoff``, 2 x ``backoff``, 4 x ``backoff`` seconds...
    """

    feedback: QgsFeedback | None = None
    options: HttpOptions = HttpOptions()
    retries: int = 3
    backoff: float = 1.0
    connect_timeout: float = 15.0
    log: list[LogLine] = field(default_factory=list)

    @property
    def timeout(self) -> float:
        """Seconds to wait for an answer, or for more of it."""
        return self.options.timeout

    def get(self, url: str, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> Reply:
        """The answer to GET ``url``: 2xx only; retried on temporary failures; HttpError otherwise."""
        shown = redact(full_url(url, params))
        last = ""
        ends = time.monotonic() + self.options.deadline
        for attempt in range(self.retries + 1):
            self._check_cancel()
            wait = 0.0
            try:
                reply = self._attempt(url, params, headers, ends)
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
                if time.monotonic() + delay > ends:  # no time left for another try
                    raise DeadlineError(self._deadline_message(shown, f"the last try failed: {last}"))
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

    def _deadline_message(self, shown: str, progress: str) -> str:
        """'URL: the download did not finish within 600 s (...). What to do.'"""
        return (
            f"{shown}: the download did not finish within {self.options.deadline:g} s, the longest LIS waits for one "
            f"download ({progress}). The server is answering very slowly: try again later, or raise the download "
            "deadline (setting lis/online/downloadDeadline, in seconds)."
        )

    def _attempt(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None, ends: float
    ) -> Reply:
        """One try, run in a worker thread so that a cancel or the deadline is noticed at once, even mid-wait."""
        transfer = _Transfer()
        proxies = proxies_for(url, self.options.proxy)  # here, so that a proxy without a host fails at once
        worker = threading.Thread(
            target=self._transfer, args=(url, params, headers, proxies, transfer), daemon=True, name="lis-http"
        )
        worker.start()
        while worker.is_alive():
            worker.join(_POLL_SECONDS)
            if self.feedback is not None and self.feedback.isCanceled():
                transfer.abandon()  # the worker stops; its result is dropped
                raise CancelledError("Cancelled: no output was written.")
            if time.monotonic() > ends:
                transfer.abandon()
                expected = f" of {transfer.expected:,}" if transfer.expected is not None else ""
                arrived = f"{transfer.received:,}{expected} bytes had arrived"
                raise DeadlineError(self._deadline_message(redact(full_url(url, params)), arrived))
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
        """The worker thread's part: the whole reply, or the error the watching thread raises, into ``transfer``."""
        try:
            transfer.reply = self._download(url, params, headers, proxies, transfer)
        except BaseException as error:  # handed to the watching thread, which raises it
            transfer.error = _transfer_error(error, url, params, self.options)

    def _download(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        proxies: dict[str, str | None] | None,
        transfer: _Transfer,
    ) -> Reply | None:
        """GET ``url`` in chunks; None once the watching thread gave up; a short body is worth another try."""
        requests = _requests()

        sent = {"User-Agent": user_agent(), "Accept": "*/*", "Accept-Encoding": "gzip, deflate", **(headers or {})}
        with requests.Session() as session:
            session.max_redirects = self.options.max_redirects
            response = session.get(
                url,
                params=dict(params or {}),
                headers=sent,
                proxies=proxies,
                timeout=(min(self.connect_timeout, self.timeout), self.timeout),
                stream=True,
            )
            transfer.response = response
            with response:
                shown = redact(response.url or full_url(url, params))
                length = response.headers.get("Content-Length", "").strip()
                transfer.expected = int(length) if length.isdigit() else None  # bytes as sent, compressed or not
                if transfer.expected is not None and transfer.expected > self.options.max_bytes:
                    raise HttpError(self._too_large_message(shown, f"the server announces {_size(transfer.expected)}"))
                chunks = []
                for chunk in _raw_chunks(response):
                    if transfer.abandoned:
                        return None
                    chunks.append(chunk)
                    transfer.received += len(chunk)
                    if transfer.received > self.options.max_bytes:
                        raise HttpError(self._too_large_message(shown, "more than that arrived"))
                body = b"".join(chunks)
                if transfer.expected is not None and len(body) < transfer.expected:
                    raise _RetryableError(
                        f"the download was cut short ({len(body):,} of {transfer.expected:,} bytes arrived)"
                    )
                encoding = response.headers.get("Content-Encoding", "")
                body = _decoded(
                    body, encoding, self.options.max_bytes, shown, self._too_large_message(shown, "unpacked")
                )
                return Reply(response.url, response.status_code, response.reason or "", response.headers, body)

    def _too_large_message(self, shown: str, said: str) -> str:
        """'URL: the download is larger than the 500 MB allowed (...). What to do.'"""
        return (
            f"{shown}: the download is larger than the {_size(self.options.max_bytes)} LIS accepts ({said}). Ask for "
            "less (one district, fewer indicators or areas), or raise the largest download (setting "
            "lis/online/maxDownloadMB)."
        )


def _size(count: int) -> str:
    """Bytes as a person reads them: '512 bytes', '1.5 MB'."""
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / (1024 * 1024):,.4g} MB"


def _raw_chunks(response: Any) -> Any:
    """The body as sent (still compressed), chunk by chunk; urllib3's errors become requests' ones, as in requests."""
    requests = _requests()
    failed = requests.packages.urllib3.exceptions
    try:
        yield from response.raw.stream(_CHUNK, decode_content=False)
    except failed.ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from error
    except failed.ReadTimeoutError as error:
        raise requests.exceptions.ConnectionError(error) from error
    except failed.SSLError as error:
        raise requests.exceptions.SSLError(error) from error


def _decoded(body: bytes, encoding: str, max_bytes: int, shown: str, too_large: str) -> bytes:
    """The body unpacked from gzip or deflate; a stream that stops before its end was cut short (retried)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise HttpError(
            f"{shown}: the server sent the data packed as '{encoding}', which LIS cannot unpack (it asked for gzip "
            "or deflate). The server or a proxy on the way is misconfigured: try another network, or a mirror."
        )
    wbits = zlib.MAX_WBITS | 16 if encoding != "deflate" else zlib.MAX_WBITS
    if encoding == "deflate" and body[:1] and (body[0] & 0x0F) != 8:
        wbits = -zlib.MAX_WBITS  # a raw deflate stream without the zlib header, as some servers send
    parts: list[bytes] = []
    rest = body
    unpacked = 0
    while rest:
        unpacker = zlib.decompressobj(wbits)
        try:
            parts.append(unpacker.decompress(rest, max_bytes + 1 - unpacked))
        except zlib.error as error:
            raise _RetryableError(f"the {encoding} data is damaged ({error})") from error
        unpacked += len(parts[-1])
        if unpacked > max_bytes or unpacker.unconsumed_tail:
            raise HttpError(too_large)
        if not unpacker.eof:
            raise _RetryableError(
                f"the download was cut short (the {encoding} data stops before its end, after {unpacked:,} bytes)"
            )
        rest = unpacker.unused_data.lstrip(b"\0")  # gzip allows several members one after another
    return b"".join(parts)


def _requests() -> Any:
    """The requests package, imported when the first download starts rather than when QGIS loads the plugin."""
    import requests  # type: ignore[import-untyped]  # Debian's python3-requests ships no type information

    return requests


def _transfer_error(
    error: BaseException, url: str, params: Mapping[str, Any] | None, options: HttpOptions
) -> BaseException:
    """What a failed transfer becomes: a _RetryableError for what may pass, an HttpError for what will not."""
    failed = _requests().exceptions
    timeout = options.timeout
    if isinstance(error, _RetryableError):
        return error
    if isinstance(error, failed.ProxyError):
        return _RetryableError(f"the proxy failed or refused the connection ({_root_cause(error)})")
    if isinstance(error, failed.SSLError):
        return HttpError(
            f"{redact(full_url(url, params))}: the secure connection failed ({_root_cause(error)}). If your "
            "network inspects HTTPS, add its certificate authority in Settings > Options > Authentication."
        )
    if isinstance(error, failed.Timeout):
        return _RetryableError(f"no answer within {timeout:g} s (timed out)")
    if isinstance(error, (failed.ChunkedEncodingError, failed.ContentDecodingError)):
        arrived = _incomplete_read(error)
        if arrived is not None:  # urllib3 2 raises where urllib3 1 returned the short body: say it the same way
            return _RetryableError(f"the download was cut short ({arrived[0]:,} of {arrived[1]:,} bytes arrived)")
        return _RetryableError(f"the download was cut short ({_root_cause(error)})")
    if isinstance(error, failed.ConnectionError):
        cause = _root_cause(error)
        if "timed out" in cause.lower():
            return _RetryableError(f"no answer within {timeout:g} s (timed out)")
        return _RetryableError(f"the connection failed ({cause})")
    if isinstance(error, (failed.InvalidURL, failed.MissingSchema, failed.InvalidSchema)):
        return HttpError(
            f"{redact(url)}: this is not a web address LIS can download from. Give a full http:// or https:// URL."
        )
    if isinstance(error, failed.TooManyRedirects):
        response = getattr(error, "response", None)
        where = response.headers.get("Location", "") if response is not None else ""
        last = f", the last time to {redact(where)}" if where else ""
        return HttpError(
            f"{redact(full_url(url, params))}: the server sent LIS on to another address more than "
            f"{options.max_redirects} times{last}: a redirect loop. Open the address in a browser to find where the "
            "data really are, and give that address."
        )
    if isinstance(error, failed.RequestException):
        return HttpError(f"{redact(full_url(url, params))}: the download failed ({_root_cause(error)}). {_advice('')}")
    return error


def _incomplete_read(error: BaseException) -> tuple[int, int] | None:
    """(bytes arrived, bytes announced) from an IncompleteRead (urllib3's or http.client's) behind ``error``."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        partial, more = getattr(cause, "partial", None), getattr(cause, "expected", None)
        if type(cause).__name__ == "IncompleteRead" and isinstance(more, int):
            arrived = len(partial) if isinstance(partial, (bytes, bytearray)) else partial
            if isinstance(arrived, int):
                return arrived, arrived + more
        nested = [arg for arg in getattr(cause, "args", ()) if isinstance(arg, BaseException)]
        cause = cause.__cause__ or cause.__context__ or (nested[0] if nested else None)
    return None


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
    except json.JSONDecodeError as error:
        raise OnlineSourceError(
            f"{shown_url}: the answer is not valid JSON ({error.msg} at character {error.pos:,} of {len(text):,}); "
            "the download may have been cut short, or the service is failing. Try again later."
        ) from error
