"""Global commands of the management plane: identity, users, services, SSH/HTTP, DNS,
NTP, logging, FTP, RSA keys, and lines kept verbatim.

Rules (each with its source):
* ``username``/``enable secret``: a clear secret is stored hashed as type 5 (see hashes.py);
  ``privilege 1`` is the default and not printed; a type 5/9 value that is not a valid hash
  is refused with IOS's "ERROR: The secret you entered is not a valid encrypted secret."
  text; ``no username X`` asks "This operation will remove all username related
  configurations with same name.Do you want to continue? [confirm]" (napalm-automation/napalm
  napalm/ios/ios.py _commit_handler pattern ``.*all username.*confirm``; cisco.ios
  rm_templates/users "remval" prompt).
* Defaults never printed: ``ip ssh time-out 120``, ``ip ssh authentication-retries 3``,
  ``logging trap informational``, ``service pad`` (only ``no service pad`` is printed);
  printed in both states: ``[no] service password-encryption``, ``[no] ip http server``,
  ``[no] aaa new-model`` (every config in configs/).
* ``logging A.B.C.D`` is printed ``logging host A.B.C.D``; ``ip domain-name``/``ip domain
  name`` and ``ip domain-lookup``/``ip domain lookup`` print in the platform's form.
* ``ip ssh version 2`` without RSA keys prints "Please create RSA keys to enable SSH (and
  of atleast 768 bits for SSH v2)." (NSO cisco-ios NED warning list, code-corpus file
  18293421730; transcripts in code-corpus file 32745654514).
* ``service password-encryption`` turns existing type 0 passwords into type 7.
* ``lacp system-priority P`` on a switch takes 0-65535 (a Catalyst's ``lacp system-priority ?`` help: ``<0-65535>
  Priority value``, "Default priority is 32768", code-corpus file 43707197084; Catalyst 3650 Command Reference, IOS
  XE Everest 16.5.1a, "lacp system-priority": default 32768); 65536 is invalid input. A 1941 has no LACP ("Negotiation
  protocol PAgP and LACP are not supported", Cisco 3900/2900/1900 ISR G2 Software Configuration Guide,
  "Configuring EtherChannel", p. 93): invalid input at ``lacp`` there.
* SSH public-key login (Cisco IOS Secure Shell Configuration Guide, "SSH RSA Based User
  Authentication"): ``ip ssh pubkey-chain`` → ``(conf-ssh-pubkey)#``, ``username X`` →
  ``(conf-ssh-pubkey-user)#``, ``key-hash ssh-rsa HASH`` where HASH is the MD5 fingerprint of
  the public key, 32 hexadecimal digits (IOS prints an entered ``key-string`` as its
  ``key-hash`` too); ``key-string`` itself (multi-line) is not modelled.

Unsourced (kept as they were; no device transcript or reference found, see README "Unsourced"):
* ``no username X`` for a user that does not exist asks the same [confirm] question (whether IOS asks it then is
  not known).
* ``port-channel load-balance`` is taken on the 1941 with the 2960's methods; whether an ISR G2 has the global
  command, or other methods, was not found.
* Where ``lacp system-priority N`` sits in the running-config (printed beside ``port-channel load-balance``) and that
  the default 32768 is not printed: no running-config with the line was found.
"""

from __future__ import annotations

import re

from . import hashes
from .context import Ctx, refuse
from .grammar import INVALID, CliError, Mode

_LEVELS = ["emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging"]
_SERVICES_SHOWN_OFF = {"password-encryption"}          # printed as "no service ..." when off
_SERVICES_DEFAULT_ON = {"pad"}                          # printed only as "no service pad"


def bad_secret(kind: str) -> CliError:
    return refuse("ERROR: The secret you entered is not a valid encrypted secret.\n"
                  f"To enter an UNENCRYPTED secret, do not specify type {kind} encryption.\n"
                  "When you properly enter an UNENCRYPTED secret, it will be encrypted.")


def secret_value(tokens: list[str], ctx: Ctx) -> str:
    """``secret [0|5|9] VALUE`` / ``password [0|7] VALUE`` -> canonical ``secret 5 $1$..``."""
    word, rest = tokens[0], tokens[1:]
    if not rest:
        raise CliError("% Incomplete command.")
    kind, value = (rest[0], " ".join(rest[1:])) if rest[0] in ("0", "4", "5", "7", "8", "9") and len(rest) > 1 \
        else ("0", " ".join(rest))
    if word == "secret":
        if kind == "0":
            return f"secret 5 {hashes.type5(value)}"
        if (kind == "5" and hashes.TYPE5.match(value)) or (kind == "9" and hashes.TYPE9.match(value)) or \
                (kind == "4" and hashes.TYPE4.match(value)):
            return f"secret {kind} {value}"
        raise bad_secret(kind)
    if kind == "0":
        return f"password 7 {hashes.type7(value)}" if password_encryption(ctx) else f"password 0 {value}"
    if kind == "7" and hashes.TYPE7.match(value):
        return f"password 7 {value}"
    raise CliError(INVALID)


def password_encryption(ctx: Ctx) -> bool:
    return ctx.device.root.find(lambda n: n.text == "service password-encryption") is not None


def _hostname(ctx: Ctx, a: dict, no: bool) -> None:
    name = "Router" if ctx.device.platform.kind == "router" else "Switch"
    if not no:
        name = a["name"]
        if not re.fullmatch(r"[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?", name):
            raise refuse("% Hostname contains one or more illegal characters.")
    ctx.device.root.set(f"hostname {name}", replace="hostname")


def _service(ctx: Ctx, a: dict, no: bool) -> None:
    root, name = ctx.device.root, a["name"]
    known = {"password-encryption", "pad", "compress-config", "tcp-keepalives-in", "tcp-keepalives-out",
             "sequence-numbers", "dhcp", "config"}
    if name not in known:
        raise CliError(INVALID)
    pattern = re.compile(rf"^(no )?service {re.escape(name)}$")
    root.remove(pattern)
    if name in _SERVICES_DEFAULT_ON:
        if no:
            root.child(f"no service {name}")
    elif not no:
        root.child(f"service {name}")
        if name == "password-encryption":
            _encrypt_existing(ctx)
    elif name in _SERVICES_SHOWN_OFF:
        root.child(f"no service {name}")


def _encrypt_existing(ctx: Ctx) -> None:
    def encrypt(node) -> None:
        m = re.match(r"^(.* )?password 0 (\S+)$", node.text)
        if m:
            node.text = f"{m.group(1) or ''}password 7 {hashes.type7(m.group(2))}"
        m = re.match(r"^ip ftp password (?!7 )(\S+)$", node.text)
        if m:
            node.text = f"ip ftp password 7 {hashes.type7(m.group(1))}"
    for _, node in ctx.device.root.walk():
        encrypt(node)
    for line in ctx.device.lines.values():
        for child in line.children:
            encrypt(child)


def _timestamps(ctx: Ctx, a: dict, no: bool) -> None:
    which, words = a["which"], (a.get("rest") or "").split()
    if which not in ("debug", "log"):
        raise CliError(INVALID)
    ctx.device.root.remove(re.compile(rf"^(no )?service timestamps {which}\b"))
    if no:
        return
    allowed = ["uptime", "datetime", "msec", "localtime", "show-timezone", "year"]
    if any(w not in allowed for w in words):
        raise CliError(INVALID)
    ordered = [w for w in allowed if w in words] or ["uptime"]
    ctx.device.root.child(f"service timestamps {which} {' '.join(ordered)}")


def _username(ctx: Ctx, a: dict, no: bool) -> None:
    name, root = a["name"], ctx.device.root
    if no:
        def remove(reply: str = "") -> None:
            if reply.strip().lower() in ("", "y", "yes"):
                root.remove(lambda n: n.text.startswith(f"username {name} ") or n.text == f"username {name}")
        if ctx.boot:
            remove()
        else:
            ctx.say("This operation will remove all username related configurations with same name."
                    "Do you want to continue? [confirm]")
            ctx.confirm = remove
        return
    tokens, privilege, value = a["rest"].split(), None, None
    while tokens:
        word = tokens.pop(0)
        if word == "privilege" and tokens and tokens[0].isdigit() and 0 <= int(tokens[0]) <= 15:
            privilege = int(tokens.pop(0))
        elif word == "algorithm-type" and tokens and tokens[0] in ("md5", "sha256", "scrypt"):
            algorithm = tokens.pop(0)
            if not tokens or tokens.pop(0) != "secret" or not tokens:
                raise CliError("% Incomplete command.")
            clear = " ".join(tokens)
            value = f"secret 9 {hashes.type9(clear)}" if algorithm == "scrypt" else f"secret 5 {hashes.type5(clear)}"
            tokens = []
        elif word in ("secret", "password"):
            value, tokens = secret_value([word] + tokens, ctx), []
        elif word == "nopassword":
            value = "nopassword"
        else:
            raise CliError(INVALID)
    existing = ctx.device.user(name)
    if existing is not None and privilege is None:
        m = re.search(r" privilege (\d+)", existing.text)
        privilege = int(m.group(1)) if m else None
    text = f"username {name}" + (f" privilege {privilege}" if privilege not in (None, 1) else "") + \
        (f" {value}" if value else "")
    root.set(text, replace=lambda n: n.text.startswith(f"username {name} ") or n.text == f"username {name}")


def _enable(ctx: Ctx, a: dict, no: bool) -> None:
    word = a["word"]
    ctx.device.root.remove(re.compile(rf"^enable {word}\b"))
    if not no:
        value = secret_value([word] + a["rest"].split(), ctx)
        ctx.device.root.child(f"enable {value}")


def _opaque(prefix: str, unique: bool = False):
    """Lines kept as typed; ``unique``: one line per prefix (``license udi``, ``memory-size``)."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        text = f"{prefix} {a['rest']}".strip() if "rest" in a else prefix
        if no or unique:
            ctx.device.root.remove(lambda n: n.text == text or n.text.startswith(prefix + " ") or n.text == prefix)
        if not no:
            ctx.device.root.child(text)
    return handler


def _toggle(positive: str, negative: str, default_on: bool):
    """Lines printed in both states (``ip http server`` / ``no ip http server``)."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        ctx.device.root.remove(lambda n: n.text in (positive, negative))
        ctx.device.root.child(negative if no else positive)
    return handler


def _source_route(ctx: Ctx, a: dict, no: bool) -> None:
    """Default on and not printed; ``no ip source-route`` is printed."""
    ctx.device.root.remove(re.compile(r"^(no )?ip source-route$"))
    if no:
        ctx.device.root.child("no ip source-route")


def _domain_lookup(ctx: Ctx, a: dict, no: bool) -> None:
    form = ctx.device.platform.domain_lookup
    ctx.device.root.remove(re.compile(r"^(no )?ip domain[ -]lookup$"))
    if no:
        ctx.device.root.child(f"no {form}")


def _domain_name(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove(re.compile(r"^ip domain[ -]name "))
    if not no:
        ctx.device.root.child(f"{ctx.device.platform.domain_name} {a['name']}")


def _name_server(ctx: Ctx, a: dict, no: bool) -> None:
    from .grammar import _ipv4
    addresses = [_ipv4(x) for x in a["addresses"].split()]
    if not addresses or None in addresses or len(addresses) > 6:
        raise CliError(INVALID)
    for address in addresses:
        ctx.device.root.remove(lambda n, x=address: n.text == f"ip name-server {x}")
        if not no:
            ctx.device.root.child(f"ip name-server {address}")


def _default_hidden(prefix: str, default: str, key: str = "value"):
    """``prefix VALUE`` where VALUE == default is not printed (and `no prefix` restores it)."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        ctx.device.root.remove(prefix)
        value = str(a.get(key, default))
        if not no and value != default:
            ctx.device.root.child(f"{prefix} {value}")
    return handler


def _ssh_version(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove("ip ssh version")
    if not no:
        ctx.device.root.child(f"ip ssh version {a['value']}")
        if not ctx.device.rsa_key:
            ctx.say("Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2).")


def _ftp_password(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove("ip ftp password")
    if no:
        return
    words = a["rest"].split()
    if words[0] == "7" and len(words) == 2:
        if not hashes.TYPE7.match(words[1]):
            raise CliError(INVALID)
        value = f"7 {words[1]}"
    else:
        clear = words[1] if words[0] == "0" and len(words) == 2 else " ".join(words)
        value = f"7 {hashes.type7(clear)}" if password_encryption(ctx) else clear
    ctx.device.root.child(f"ip ftp password {value}")


def _logging_host(ctx: Ctx, a: dict, no: bool) -> None:
    text = f"logging host {a['ip']}"
    ctx.device.root.remove(lambda n: n.text == text)
    if not no:
        ctx.device.root.child(text)


def _logging_trap(ctx: Ctx, a: dict, no: bool) -> None:
    level = a.get("level", "informational")
    if level.isdigit() and int(level) < 8:
        level = _LEVELS[int(level)]
    matches = [x for x in _LEVELS if x.startswith(level)]
    if len(matches) != 1:
        raise CliError(INVALID)
    ctx.device.root.remove("logging trap")
    if no:
        ctx.device.root.child("no logging trap")
    elif matches[0] != "informational":
        ctx.device.root.child(f"logging trap {matches[0]}")


def _logging_line(prefix: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        ctx.device.root.remove(re.compile(rf"^(no )?{re.escape(prefix)}\b"))
        if no and "rest" not in a:
            if prefix in ("logging console", "logging monitor"):
                ctx.device.root.child(f"no {prefix}")
            return
        if not no:
            ctx.device.root.child(f"{prefix} {a.get('rest', '')}".strip())
    return handler


def _ntp_server(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove(lambda n: n.text.split()[:3] == ["ntp", "server", a["ip"]])
    if not no:
        ctx.device.root.child(f"ntp server {a['ip']}" + (" prefer" if a.get("prefer") else ""))


def _rsa_generate(ctx: Ctx, a: dict, no: bool) -> None:
    root = ctx.device.root
    domain = root.find(re.compile(r"^ip domain[ -]name "))
    if domain is None:
        raise refuse("% Please define a domain-name first.")
    bits = a.get("bits")

    def generate(reply: str = "") -> None:
        size = bits or (int(reply) if reply.strip().isdigit() else 512)
        ctx.device.rsa_key = True
        ctx.say(f"% The key modulus size is {size} bits",
                f"% Generating {size} bit RSA keys, keys will be non-exportable...",
                "[OK] (elapsed time was 1 seconds)")
    ctx.say(f"The name for the keys will be: {ctx.device.hostname}.{domain.text.split()[-1]}")
    if bits or ctx.boot:
        generate()
    else:
        ctx.say("Choose the size of the key modulus in the range of 360 to 4096 for your",
                "  General Purpose Keys. Choosing a key modulus greater than 512 may take",
                "  a few minutes.", "", "How many bits in the modulus [512]: ")
        ctx.confirm = generate


def _rsa_zeroize(ctx: Ctx, a: dict, no: bool) -> None:
    def zeroize(reply: str = "") -> None:
        if reply.strip().lower() == "yes":
            ctx.device.rsa_key = False
    ctx.say("% All keys will be removed.", "% All router certs issued using these keys will also be removed.",
            "Do you really want to remove these keys? [yes/no]: ")
    ctx.confirm = zeroize


def _clock_timezone(ctx: Ctx, a: dict, no: bool) -> None:
    """``clock timezone ZONE HOURS [MINUTES]``: hours -23..23, minutes 0-59 (Cisco IOS Basic System Management
    Command Reference, clock timezone)."""
    if not no and not (re.fullmatch(r"-?\d+", a["hours"]) and -23 <= int(a["hours"]) <= 23):
        raise CliError(INVALID, a["hours@col"])
    ctx.device.root.remove("clock timezone")
    if not no:
        ctx.device.root.child(f"clock timezone {a['zone']} {int(a['hours'])} {a.get('minutes', 0)}")


_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def _named(names: list[str]):
    def value(text: str) -> str | None:
        found = [n for n in names if n.lower().startswith(text.lower())]
        return found[0][:3] if len(found) == 1 else None  # printed abbreviated: "last Sun Mar 2:00"
    return value


def _number(lo: int, hi: int):
    return lambda text: str(int(text)) if text.isdigit() and lo <= int(text) <= hi else None


def _time(text: str) -> str | None:
    m = re.fullmatch(r"(\d{1,2}):(\d{1,2})", text)
    return f"{int(m.group(1))}:{m.group(2).zfill(2)}" if m and int(m.group(1)) < 24 and int(m.group(2)) < 60 else None


def _week(text: str) -> str | None:
    found = [w for w in ("1", "2", "3", "4", "first", "last") if w.startswith(text.lower())]
    return found[0] if len(found) == 1 else None


def _summer_time(form: str):
    """``clock summer-time ZONE recurring [WEEK DAY MONTH hh:mm WEEK DAY MONTH hh:mm [OFFSET]]`` or ``... date DAY MONTH
    YEAR hh:mm DAY MONTH YEAR hh:mm [OFFSET]`` (the date also MONTH DAY): week 1-4|first|last, year 1993-2035, offset
    1-1440 minutes (Cisco IOS Basic System Management Command Reference, clock summer-time; IOS's own parser chain
    for the command, parser/cfg_clock.h, code-corpus file 10837165973: ``NUMBER(summer_week_1, ..., 1, 4, "Week number
    to start")`` beside the ``first`` and ``last`` keywords, offset ``1, 60*24``); days and months printed
    abbreviated (``clock summer-time BST recurring last Sun Mar 1:00 last Sun Oct 2:00``, configs/)."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        ctx.device.root.remove("clock summer-time")
        if no:
            return
        rest, base = a.get("rest", ""), a.get("rest@col", 0)
        tokens = [(m.group(), base + m.start()) for m in re.finditer(r"\S+", rest)]
        words = []
        for _half in range(2):
            if form == "recurring":
                checks = [_week, _named(_DAYS), _named(_MONTHS), _time]
            else:
                first = tokens[len(words)][0] if len(words) < len(tokens) else ""
                checks = [_number(1, 31), _named(_MONTHS)] if first.isdigit() else [_named(_MONTHS), _number(1, 31)]
                checks += [_number(1993, 2035), _time]
            for check in checks:
                if len(words) == len(tokens):
                    if form == "recurring" and not words:
                        break
                    raise CliError("% Incomplete command.")
                value = check(tokens[len(words)][0])
                if value is None:
                    raise CliError(INVALID, tokens[len(words)][1])
                words.append(value)
        if len(words) < len(tokens):
            offset = _number(1, 1440)(tokens[len(words)][0])
            if offset is None or len(tokens) > len(words) + 1:
                raise CliError(INVALID, tokens[len(words) + (offset is not None)][1])
            words.append(offset)
        ctx.device.root.child(" ".join(["clock summer-time", a["zone"], form, *words]))
    return handler


# ``errdisable recovery cause`` keywords of a 2960-X 15.2(x)E (Catalyst 2960-X Command Reference, errdisable
# recovery cause; the causes a 2960's ``show errdisable recovery`` lists, l2ptguard included); one line per cause.
# The interval is 30-86400 seconds (same reference; lab notes measured on an IOL L2 image, code-corpus file 71290317224:
# 29 is invalid input, `show errdisable recovery` reads `Timer interval: 300 seconds` by default).
_ERRDISABLE_CAUSES = ("all", "arp-inspection", "bpduguard", "channel-misconfig", "dhcp-rate-limit", "dtp-flap",
                      "gbic-invalid", "inline-power", "l2ptguard", "link-flap", "loopback", "mac-limit", "pagp-flap",
                      "port-mode-failure", "pppoe-ia-rate-limit", "psecure-violation", "psp", "security-violation",
                      "sfp-config-mismatch", "small-frame", "storm-control", "udld", "vmps")


def _exact(text: str):
    """A line of its own: ``no`` removes that line only."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        line = text.format(**a)
        ctx.device.root.remove(lambda n: n.text == line)
        if not no:
            ctx.device.root.child(line)
    return handler


def _banner(ctx: Ctx, a: dict, no: bool) -> None:
    kind = a["kind"]
    if kind not in ("motd", "login", "exec"):
        raise CliError(INVALID)
    ctx.device.root.remove(f"banner {kind}")
    if no:
        return
    text = a["text"]
    delimiter = "^C" if text.startswith("^C") else text[0]
    if text.count(delimiter) < 2:
        raise refuse("% Multi-line banners are not modelled by this peer: give the banner on one line.")
    body = text[len(delimiter):text.index(delimiter, len(delimiter))]
    ctx.device.root.child(f"banner {kind} ^C{body}^C")


def _pubkey_chain(ctx: Ctx, a: dict, no: bool) -> None:
    if no:
        ctx.device.root.remove(lambda n: n.text == "ip ssh pubkey-chain")
        return
    ctx.enter("pubkey", ctx.device.root.child("ip ssh pubkey-chain"))


def _pubkey_user(ctx: Ctx, a: dict, no: bool) -> None:
    text = f"username {a['name']}"
    if no:
        ctx.target.remove(lambda n: n.text == text)
        return
    ctx.enter("pubkey-user", ctx.target.child(text))


def _key_hash(ctx: Ctx, a: dict, no: bool) -> None:
    value = a["hash"].upper()
    if not re.fullmatch(r"[0-9A-F]{32}", value):
        raise CliError(INVALID, a.get("hash@col"))
    text = f"key-hash ssh-rsa {value}" + (f" {a['comment']}" if a.get("comment") else "")
    ctx.target.remove(lambda n: n.text.startswith(f"key-hash ssh-rsa {value}"))
    if not no:
        ctx.target.child(text)


def pubkey_hashes(device, user: str) -> set[str]:
    """MD5 fingerprints (upper-case hex) of the keys ``user`` may log in with."""
    chain = device.root.find(lambda n: n.text == "ip ssh pubkey-chain")
    node = chain.find(lambda n: n.text == f"username {user}") if chain else None
    return {c.text.split()[2] for c in node.children} if node else set()


def register(modes: dict[str, Mode]) -> None:
    modes["config"].add("ip ssh pubkey-chain", _pubkey_chain)
    modes["pubkey"].add("username <name:word>", _pubkey_user)
    modes["pubkey-user"].add("key-hash ssh-rsa <hash:word>", _key_hash)
    modes["pubkey-user"].add("key-hash ssh-rsa <hash:word> <comment:word>", _key_hash)
    g = modes["config"]
    g.add("hostname | <name:word>", _hostname)
    g.add("service <name:choice:password-encryption|pad|compress-config|tcp-keepalives-in|tcp-keepalives-out|"
          "sequence-numbers|dhcp|config>", _service)
    g.add("service timestamps <which:choice:debug|log> | <rest:line>", _timestamps)
    g.add("service timestamps <which:choice:debug|log>", _timestamps)
    g.add("username <name:word> | <rest:line>", _username)
    g.add("enable <word:word> | <rest:line>", _enable)
    g.add("aaa new-model", _toggle("aaa new-model", "no aaa new-model", False))
    g.add("ip source-route", _source_route)
    g.add("version <rest:line>", lambda ctx, a, no: None, no=False)
    for fixed in ("boot-start-marker", "boot-end-marker", "redundancy", "control-plane",
                  "multilink bundle-name authenticated", "cts logging verbose", "lldp run"):
        g.add(fixed, _opaque(fixed))
    for prefix in ("license udi", "scheduler allocate", "memory-size iomem"):
        g.add(f"{prefix} | <rest:line>", _opaque(prefix, unique=True))
    for prefix in ("license",  "memory-size iomem", "login on-failure", "login on-success", "snmp-server location",
                   "snmp-server contact", "udld", "spanning-tree pathcost",
                   "ip dhcp snooping", "ip dhcp excluded-address"):
        g.add(f"{prefix} | <rest:line>", _opaque(prefix))
        g.add(prefix, _opaque(prefix))
    g.add("ip domain-lookup", _domain_lookup)
    g.add("ip domain lookup", _domain_lookup)
    g.add("ip domain-name | <name:word>", _domain_name)
    g.add("ip domain name | <name:word>", _domain_name)
    g.add("ip name-server <addresses:line>", _name_server)
    g.add("ip ssh version | <value:int:1-2>", _ssh_version)
    g.add("ip ssh time-out | <value:int:1-120>", _default_hidden("ip ssh time-out", "120"))
    g.add("ip ssh authentication-retries | <value:int:0-5>", _default_hidden("ip ssh authentication-retries", "3"))
    g.add("ip http server", _toggle("ip http server", "no ip http server", True))
    g.add("ip http secure-server", _toggle("ip http secure-server", "no ip http secure-server", True))
    g.add("ip http authentication | <rest:line>", _opaque("ip http authentication"))
    g.add("ip ftp username | <name:word>", lambda ctx, a, no: (ctx.device.root.remove("ip ftp username"), None if no
                                                                else ctx.device.root.child(f"ip ftp username {a['name']}")))
    g.add("ip ftp password | <rest:line>", _ftp_password)
    g.add("ntp server <ip:ip>", _ntp_server)
    g.add("ntp server <ip:ip> prefer", lambda ctx, a, no: _ntp_server(ctx, {**a, "prefer": True}, no))
    g.add("logging host <ip:ip>", _logging_host)
    g.add("logging <ip:ip>", _logging_host)
    g.add("logging trap | <level:word>", _logging_trap)
    for prefix in ("logging facility", "logging source-interface", "logging buffered", "logging console",
                   "logging monitor", "logging userinfo", "logging rate-limit", "logging history", "logging origin-id"):
        g.add(f"{prefix} | <rest:line>", _logging_line(prefix))
        g.add(prefix, _logging_line(prefix))
    g.add("crypto key generate rsa", _rsa_generate, no=False)
    g.add("crypto key generate rsa general-keys", _rsa_generate, no=False)
    g.add("crypto key generate rsa modulus <bits:int:360-4096>", _rsa_generate, no=False)
    g.add("crypto key generate rsa general-keys modulus <bits:int:360-4096>", _rsa_generate, no=False)
    g.add("crypto key zeroize rsa", _rsa_zeroize, no=False)
    g.add("clock timezone | <zone:word> <hours:word>", _clock_timezone)
    g.add("clock timezone <zone:word> <hours:word> <minutes:int:0-59>", _clock_timezone)
    g.add("clock summer-time | <zone:word> recurring", _summer_time("recurring"))
    g.add("clock summer-time <zone:word> recurring <rest:line>", _summer_time("recurring"))
    g.add("clock summer-time <zone:word> date <rest:line>", _summer_time("date"))
    # port-channel load-balance: the 2960's methods (Catalyst 2960 Software Configuration Guide, "EtherChannel"; a
    # Catalyst's `port-channel load-balance ?` lists exactly these six, code-corpus file 43707197084).
    g.add("port-channel load-balance | <method:choice:dst-ip|dst-mac|src-dst-ip|src-dst-mac|src-ip|src-mac>",
          _default_hidden("port-channel load-balance", "", "method"))
    # lacp system-priority 0-65535, default 32768 (a Catalyst's `lacp system-priority ?` -> `<0-65535>  Priority value`,
    # code-corpus file 43707197084); a switch only: an ISR G2 bundles without LACP (module docstring).
    lacp = _default_hidden("lacp system-priority", "32768")
    lacp.gate = lambda ctx: ctx.device.platform.kind == "switch"
    g.add("lacp system-priority | <value:int:0-65535>", lacp)
    g.add(f"errdisable recovery cause <cause:choice:{'|'.join(_ERRDISABLE_CAUSES)}>",
          _exact("errdisable recovery cause {cause}"))
    g.add("errdisable recovery interval | <value:int:30-86400>", _default_hidden("errdisable recovery interval", ""))
    g.add("banner <kind:choice:motd|login|exec> | <text:line>", _banner)
