"""CycloneDX XML to the CycloneDX JSON shape, for the fields riskgraph maps.

The mapper in :mod:`ingest.cyclonedx_map` is written once, against the JSON shape. This
module turns the root ``<bom>`` element (already parsed by defusedxml in
:mod:`ingest.detect`) into that shape, so both syntaxes take one mapping path. Only the
fields the mapper reads are converted; everything else is left out on purpose.

Locations follow one rule in both directions: a repeated item is ``item[n]`` (1-based)
inside its wrapper (``/bom/components/component[4]``), a single child is its plain name.
:func:`xpath_for_pointer` turns a JSON pointer into that XPath-like location, and
:func:`json_path_of` turns an lxml element from a schema error into a JSON-shaped path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

__all__ = [
    "XPathLocator",
    "bom_to_dict",
    "json_path_of",
    "stream_to_dict",
    "text_member",
    "xpath_for_pointer",
    "xpath_of",
]

JsonDict = dict[str, Any]

# wrapper element -> item element, for the lists the mapper reads. The JSON key is the
# wrapper's name, the XML items are ``wrapper/item[n]``.
_ITEM_OF_WRAPPER = {
    "components": "component",
    "services": "service",
    "hashes": "hash",
    "properties": "property",
    "dependencies": "dependency",
    "vulnerabilities": "vulnerability",
    "ratings": "rating",
    "affects": "target",
    "endpoints": "endpoint",
    "authors": "author",
    "tools": "tool",
    "externalReferences": "reference",
    "cwes": "cwe",
    "advisories": "advisory",
}
_WRAPPER_OF_ITEM = {item: wrapper for wrapper, item in _ITEM_OF_WRAPPER.items()}
# Text content of these items is a named member in JSON.
_TEXT_MEMBER = {"hash": "content", "property": "value"}
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


class _XmlElement(Protocol):
    """The part of the ElementTree / lxml element API used here."""

    tag: Any
    text: str | None

    def get(self, key: str, default: None = None) -> str | None: ...
    def __iter__(self) -> Any: ...
    def clear(self) -> None: ...


def _translate_step(step: str, previous: str) -> str | None:
    """XPath-like step for one pointer segment; None when it adds nothing."""
    if step.isdigit():
        item = "dependency" if previous == "dependsOn" else _ITEM_OF_WRAPPER.get(previous)
        return f"{item}[{int(step) + 1}]" if item else f"[{int(step) + 1}]"
    if step == "dependsOn" or (step in ("content", "value") and previous.isdigit()):
        return None  # nested <dependency> elements / text content of <hash>, <property>
    return step


class XPathLocator:
    """Memoised :func:`xpath_for_pointer`: pointers share prefixes, so each costs one step."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {"": "/bom"}

    def __call__(self, pointer: str) -> str:
        found = self._cache.get(pointer)
        if found is None:
            parent, _, step = pointer.rpartition("/")
            base = self(parent)
            previous = parent.rpartition("/")[2]
            part = _translate_step(step, previous)
            if part is None:
                found = base
            elif part.startswith("["):  # an index into a list we do not name
                found = base + part
            else:
                found = f"{base}/{part}"
            self._cache[pointer] = found
        return found


def xpath_for_pointer(pointer: str) -> str:
    """``/components/3/components/0`` -> ``/bom/components/component[4]/components/component[1]``.

    >>> xpath_for_pointer("/dependencies/2/dependsOn/0")
    '/bom/dependencies/dependency[3]/dependency[1]'
    """
    return XPathLocator()(pointer)


def _local(tag: Any) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


class _LxmlElement(_XmlElement, Protocol):
    def getparent(self) -> _LxmlElement | None: ...
    def itersiblings(self, *, preceding: bool = ...) -> Any: ...


def _position(element: _LxmlElement) -> int:
    """1-based index among preceding siblings with the same tag."""
    tag = element.tag
    return 1 + sum(1 for s in element.itersiblings(preceding=True) if s.tag == tag)


def _chain(element: _LxmlElement) -> list[_LxmlElement]:
    chain: list[_LxmlElement] = []
    current: _LxmlElement | None = element
    while current is not None:
        chain.append(current)
        current = current.getparent()
    chain.reverse()
    return chain


def xpath_of(element: _LxmlElement) -> str:
    """XPath-like location of an lxml element, items indexed: ``/bom/components/component[2]``."""
    parts = []
    for el in _chain(element):
        name = _local(el.tag)
        parent = el.getparent()
        repeated = parent is not None and _local(parent.tag) == _WRAPPER_OF_ITEM.get(name)
        if repeated or (name == "dependency" and parent is not None and _local(parent.tag) == name):
            name = f"{name}[{_position(el)}]"
        parts.append(name)
    return "/" + "/".join(parts)


def json_path_of(element: _LxmlElement) -> tuple[str | int, ...]:
    """JSON-shaped path of an lxml element inside ``<bom>``, e.g. ``("components", 1, "type")``."""
    path: list[str | int] = []
    for el in _chain(element)[1:]:
        name = _local(el.tag)
        parent = el.getparent()
        parent_name = _local(parent.tag) if parent is not None else ""
        if parent_name == "licenses":
            path.extend((_index_in(el), name))
        elif name == "dependency" and parent_name == "dependency":
            path.extend(("dependsOn", _position(el) - 1))
        elif parent_name == _WRAPPER_OF_ITEM.get(name):
            path.append(_position(el) - 1)
        else:
            path.append(name)
    return tuple(path)


def _index_in(element: _LxmlElement) -> int:
    return sum(1 for _ in element.itersiblings(preceding=True))


def text_member(element: _LxmlElement) -> str | None:
    """JSON member that holds an element's text (``content`` for ``<hash>``), if any."""
    return _TEXT_MEMBER.get(_local(element.tag))


def _text(el: _XmlElement) -> str:
    return (el.text or "").strip()


def _bool(el: _XmlElement) -> bool | None:
    value = _text(el).lower()
    return True if value in _TRUE else False if value in _FALSE else None


def _float(el: _XmlElement) -> float | None:
    try:
        return float(_text(el))
    except ValueError:
        return None


class _Converter:
    """Tag names of one namespace, and one method per CycloneDX object we map."""

    def __init__(self, namespace: str) -> None:
        ns = f"{{{namespace}}}"
        self.ns = ns
        self.component_text = {
            f"{ns}{k}": k
            for k in ("name", "version", "group", "purl", "cpe", "description", "publisher")
        }
        self.component_text[f"{ns}author"] = "author"
        self.service_text = {f"{ns}{k}": k for k in ("name", "version", "group", "description")}
        self.component_objects: dict[str, Callable[[_XmlElement], Any]] = {
            f"{ns}supplier": self.entity,
            f"{ns}manufacturer": self.entity,
            f"{ns}authors": self.authors,
            f"{ns}hashes": self.hashes,
            f"{ns}licenses": self.licenses,
            f"{ns}properties": self.properties,
            f"{ns}components": self.components,
        }

    def tag(self, local: str) -> str:
        return f"{self.ns}{local}"

    def children(self, el: _XmlElement, local: str) -> list[_XmlElement]:
        tag = self.ns + local
        return [c for c in el if c.tag == tag]

    def child(self, el: _XmlElement, local: str) -> _XmlElement | None:
        tag = self.ns + local
        for c in el:
            if c.tag == tag:
                return c  # type: ignore[no-any-return]
        return None

    def entity(self, el: _XmlElement) -> JsonDict:
        out: JsonDict = {}
        name = self.child(el, "name")
        if name is not None:
            out["name"] = _text(name)
        urls = [_text(u) for u in self.children(el, "url")]
        if urls:
            out["url"] = urls
        return out

    def authors(self, el: _XmlElement) -> list[JsonDict]:
        return [self.entity(a) for a in self.children(el, "author")]

    def hashes(self, el: _XmlElement) -> list[JsonDict]:
        return [{"alg": h.get("alg"), "content": _text(h)} for h in self.children(el, "hash")]

    def licenses(self, el: _XmlElement) -> list[JsonDict]:
        out: list[JsonDict] = []
        license_tag, expression_tag = self.tag("license"), self.tag("expression")
        for c in el:
            if c.tag == license_tag:
                lic: JsonDict = {}
                for part in ("id", "name"):
                    found = self.child(c, part)
                    if found is not None:
                        lic[part] = _text(found)
                out.append({"license": lic})
            elif c.tag == expression_tag:
                out.append({"expression": _text(c)})
        return out

    def properties(self, el: _XmlElement) -> list[JsonDict]:
        return [{"name": p.get("name"), "value": _text(p)} for p in self.children(el, "property")]

    def components(self, el: _XmlElement) -> list[JsonDict]:
        out = []
        for c in self.children(el, "component"):
            out.append(self.component(c))
            c.clear()  # converted: free its subtree now (the tree is 6x the file)
        return out

    def component(self, el: _XmlElement) -> JsonDict:
        out: JsonDict = {}
        for attr in ("type", "bom-ref"):
            value = el.get(attr)
            if value is not None:
                out[attr] = value
        text_fields, objects = self.component_text, self.component_objects
        for c in el:
            tag = c.tag
            key = text_fields.get(tag)
            if key is not None:
                out[key] = _text(c)
                continue
            convert = objects.get(tag)
            if convert is not None:
                out[_local(tag)] = convert(c)
        return out

    def service(self, el: _XmlElement) -> JsonDict:
        out: JsonDict = {}
        ref = el.get("bom-ref")
        if ref is not None:
            out["bom-ref"] = ref
        for c in el:
            tag = c.tag
            key = self.service_text.get(tag)
            if key is not None:
                out[key] = _text(c)
            elif tag == self.tag("provider"):
                out["provider"] = self.entity(c)
            elif tag == self.tag("endpoints"):
                out["endpoints"] = [_text(e) for e in self.children(c, "endpoint")]
            elif tag in (self.tag("authenticated"), self.tag("x-trust-boundary")):
                flag = _bool(c)
                if flag is not None:
                    out[_local(tag)] = flag
            elif tag == self.tag("properties"):
                out["properties"] = self.properties(c)
            elif tag == self.tag("services"):
                out["services"] = [self.service(s) for s in self.children(c, "service")]
        return out

    def dependencies(self, el: _XmlElement) -> list[JsonDict]:
        return [
            {
                "ref": d.get("ref"),
                "dependsOn": [n.get("ref") for n in self.children(d, "dependency")],
            }
            for d in self.children(el, "dependency")
        ]

    def vulnerability(self, el: _XmlElement) -> JsonDict:
        out: JsonDict = {}
        ref = el.get("bom-ref")
        if ref is not None:
            out["bom-ref"] = ref
        found = self.child(el, "id")
        if found is not None:
            out["id"] = _text(found)
        source = self.child(el, "source")
        if source is not None:
            out["source"] = self.entity(source)
        ratings = self.child(el, "ratings")
        if ratings is not None:
            out["ratings"] = [self.rating(r) for r in self.children(ratings, "rating")]
        affects = self.child(el, "affects")
        if affects is not None:
            targets = []
            for target in self.children(affects, "target"):
                target_ref = self.child(target, "ref")
                targets.append({"ref": _text(target_ref) if target_ref is not None else None})
            out["affects"] = targets
        return out

    def rating(self, el: _XmlElement) -> JsonDict:
        out: JsonDict = {}
        score = self.child(el, "score")
        if score is not None:
            out["score"] = _float(score)
        severity = self.child(el, "severity")
        if severity is not None:
            out["severity"] = _text(severity)
        return out

    def metadata(self, el: _XmlElement) -> JsonDict:
        out: JsonDict = {}
        for c in el:
            local = _local(c.tag)
            if c.tag != self.ns + local:
                continue  # extension elements of other namespaces
            if local == "timestamp":
                out["timestamp"] = _text(c)
            elif local == "component":
                out["component"] = self.component(c)
            elif local in ("supplier", "manufacture", "manufacturer"):
                out[local] = self.entity(c)
            elif local == "properties":
                out["properties"] = self.properties(c)
        return out


class _XmlStream(Protocol):
    """:class:`ingest.detect.XmlStream`: a parse stopped after the root's start tag."""

    root: Any

    def events(self) -> Iterator[tuple[str, Any]]: ...


def stream_to_dict(stream: _XmlStream, spec_version: str) -> JsonDict:
    """:func:`bom_to_dict` of a document as its parse finishes, without its whole tree.

    Each top-level ``<component>`` is converted when its end tag is parsed and then
    cleared, so at most one component's subtree (plus the small sections) is held.
    """
    root = stream.root
    conv = _Converter(str(root.tag)[1:].split("}", 1)[0])
    components_tag, component_tag = conv.tag("components"), conv.tag("component")
    converted: dict[int, list[JsonDict]] = {}  # id(top-level <components>) -> its components
    open_elements: list[Any] = []  # below the root, whose start tag detection consumed
    for event, element in stream.events():
        if event == "start":
            open_elements.append(element)
        elif open_elements:  # else the root's own end tag
            open_elements.pop()
            if (
                element.tag == component_tag
                and len(open_elements) == 1
                and open_elements[0].tag == components_tag
            ):
                converted.setdefault(id(open_elements[0]), []).append(conv.component(element))
                element.clear()
    return bom_to_dict(root, spec_version, converted)


def bom_to_dict(
    root: _XmlElement, spec_version: str, converted: dict[int, list[JsonDict]] | None = None
) -> JsonDict:
    """The CycloneDX JSON shape of ``root`` (a ``<bom>`` element), for the mapped fields.

    ``converted`` holds the components of top-level ``<components>`` elements already
    converted (by ``id`` of the element). Consumes the tree: each top-level section and
    each component is cleared once converted, so the tree's memory is reused by what is
    built from it.
    """
    namespace = str(root.tag)[1:].split("}", 1)[0]
    conv = _Converter(namespace)
    converted = converted or {}
    out: JsonDict = {"bomFormat": "CycloneDX", "specVersion": spec_version}
    serial = root.get("serialNumber")
    if serial is not None:
        out["serialNumber"] = serial
    version = (root.get("version") or "1").strip()
    if version.isdigit():
        out["version"] = int(version)
    for c in root:
        tag = c.tag
        if tag == conv.tag("metadata"):
            out["metadata"] = conv.metadata(c)
        elif tag == conv.tag("components"):
            done = converted.get(id(c))
            out["components"] = conv.components(c) if done is None else done
        elif tag == conv.tag("services"):
            out["services"] = [conv.service(s) for s in conv.children(c, "service")]
        elif tag == conv.tag("dependencies"):
            out["dependencies"] = conv.dependencies(c)
        elif tag == conv.tag("vulnerabilities"):
            out["vulnerabilities"] = [
                conv.vulnerability(v) for v in conv.children(c, "vulnerability")
            ]
        c.clear()
    return out
