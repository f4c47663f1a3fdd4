"""Finding adapters through the ``chansync.adapters`` entry-point group: built-ins register the same way a plugin
does. Discovery is lazy and happens once per registry; an adapter that fails to load is listed with the reason."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from pydantic import ValidationError

from ..config import LoadedConfig, config_error
from ..errors import AdapterError, ConfigError
from ..i18n import _
from .base import CONTRACT_VERSION, Adapter, ChannelContext

GROUP = "chansync.adapters"
BUILTIN_DISTRIBUTION = "chansync"


@dataclass
class AdapterInfo:
    name: str
    origin: str  # "built-in", or the distribution that provides it ("chansync-hello 0.1")
    target: str  # module:attribute
    adapter: type[Adapter] | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.adapter is not None and self.error is None


class Registry:
    """Adapters by name. Build one with :meth:`discover` (entry points) or :meth:`of` (given classes, for tests)."""

    def __init__(self, entries: Iterable[EntryPoint] = (), adapters: Iterable[type[Adapter]] = ()) -> None:
        self._entries = list(entries)
        self._given = list(adapters)
        self._infos: dict[str, list[AdapterInfo]] | None = None
        self._named_cache: dict[str, list[AdapterInfo]] = {}

    @classmethod
    def discover(cls) -> Registry:
        return cls(entries=entry_points(group=GROUP))

    @classmethod
    def of(cls, *adapters: type[Adapter]) -> Registry:
        return cls(adapters=adapters)

    def _load(self) -> dict[str, list[AdapterInfo]]:
        if self._infos is not None:
            return self._infos
        infos: dict[str, list[AdapterInfo]] = {}
        for entry in self._entries:
            infos.setdefault(entry.name, []).append(_load_entry(entry))
        for adapter in self._given:
            infos.setdefault(adapter.name, []).append(_given(adapter))
        self._infos = infos
        return infos

    def available(self) -> list[AdapterInfo]:
        """Every adapter found, built-ins first, then by name; duplicates are marked as errors."""
        listed = []
        for name, found in self._load().items():
            for info in found:
                if len(found) > 1:
                    others = ", ".join(i.origin for i in found if i is not info)
                    info.error = info.error or _("the name {name} is also registered by {others}").format(
                        name=repr(name), others=others
                    )
                listed.append(info)
        return sorted(listed, key=lambda i: (i.origin != "built-in", i.name, i.origin))

    def names(self) -> list[str]:
        return sorted(self._load())

    def _named(self, name: str) -> list[AdapterInfo]:
        """The adapters registered as ``name``, loading only theirs: a run that uses one adapter does not import
        every plugin (the built-ins alone took 50 ms to import)."""
        if self._infos is not None:
            return self._infos.get(name, [])
        if name not in self._named_cache:
            found = [_load_entry(entry) for entry in self._entries if entry.name == name]
            found += [_given(adapter) for adapter in self._given if adapter.name == name]
            self._named_cache[name] = found
        return self._named_cache[name]

    def get(self, name: str) -> type[Adapter]:
        found = self._named(name)
        if not found:
            close = difflib.get_close_matches(name, self.names(), n=1)
            available = ", ".join(self.names()) or _("none")
            if close:
                text = _("unknown adapter {name} (did you mean {close}?); available: {available}").format(
                    name=repr(name), close=repr(close[0]), available=available
                )
            else:
                text = _("unknown adapter {name}; available: {available}").format(name=repr(name), available=available)
            raise AdapterError(text, hint=_("`chansync channels` lists the adapters; plugins are installed with pip"))
        if len(found) > 1:
            origins = ", ".join(f"{i.origin} ({i.target})" for i in found)
            raise AdapterError(
                _("the adapter name {name} is registered more than once: {origins}").format(
                    name=repr(name), origins=origins
                )
            )
        info = found[0]
        if info.adapter is None:
            raise AdapterError(
                _("the adapter {name} from {origin} failed to load: {error}").format(
                    name=repr(name), origin=info.origin, error=info.error
                )
            )
        return info.adapter

    def build(self, config: LoadedConfig, name: str) -> Adapter:
        """The adapter of channel ``name``, its own settings validated (errors name the key path)."""
        channel = config.channel(name)
        try:
            cls = self.get(channel.adapter)
        except AdapterError as error:
            key = f"channels.{name}.adapter"
            raise ConfigError(error.message, key=key, file=config.display, hint=error.hint) from None
        try:
            settings = cls.Settings.model_validate(channel.settings)
        except ValidationError as exc:
            problem = config_error(exc, config.display)  # the adapter's keys sit directly in the channel block
            text = problem.detail.replace(_("the top level"), f"channels.{name}")
            setting_key = f"channels.{name}.{problem.key}" if problem.key else None
            raise ConfigError(text, key=setting_key, file=config.display) from None

        def locate(value: str, key: str) -> tuple[Path, str]:
            path = config.path_of(value, key)
            return path, config.display_path(path)

        adapter = cls(ChannelContext(name, channel, settings, config.master.currency, locate))
        adapter.carried()  # a configurable adapter checks its mapping here, before any reading
        return adapter


def _given(adapter: type[Adapter]) -> AdapterInfo:
    return AdapterInfo(adapter.name, "given", f"{adapter.__module__}:{adapter.__qualname__}", adapter)


def _load_entry(entry: EntryPoint) -> AdapterInfo:
    dist = getattr(entry, "dist", None)
    dist_name = getattr(dist, "name", None) or _("unknown package")
    origin = "built-in" if dist_name == BUILTIN_DISTRIBUTION else f"{dist_name} {getattr(dist, 'version', '')}".strip()
    info = AdapterInfo(entry.name, origin, entry.value)
    try:
        loaded = entry.load()
    except Exception as exc:  # noqa: BLE001 - a broken plugin is listed with its reason, never a crash
        info.error = f"{type(exc).__name__}: {exc}"
        return info
    if not (isinstance(loaded, type) and issubclass(loaded, Adapter)):
        info.error = _("{target} is not a chansync Adapter class").format(target=entry.value)
        return info
    if getattr(loaded, "contract_version", None) != CONTRACT_VERSION:
        info.error = _("written for adapter contract {version}, this chansync speaks {ours}").format(
            version=getattr(loaded, "contract_version", "?"), ours=CONTRACT_VERSION
        )
        return info
    if loaded.name != entry.name:
        info.error = _("registered as {name} but the class calls itself {own}").format(
            name=repr(entry.name), own=repr(loaded.name)
        )
        return info
    info.adapter = loaded
    return info
