import re
import unicodedata

from rasd.states.models import State


def state_name_key(name: str) -> str:
    """A spelling-insensitive key for a state's name: no accents, case, articles or punctuation."""
    text = unicodedata.normalize("NFKD", name.replace("&", " and ")).lower()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\((?:the|l'|l’|le|la|les)\)|\*", " ", text)
    text = re.sub(r"^(?:the|l'|l’|le|la|les)\s+", "", text.strip())
    return re.sub(r"[^\w]+", " ", text).strip()


def state_name_index() -> dict[str, str]:
    """Every known name and alias of every state, in ar/fr/en, keyed by ``state_name_key`` → ISO alpha-3."""
    index: dict[str, str] = {}
    for state in State.objects.all():
        names = [state.name_en, state.name_fr, state.name_ar, *state.aliases.splitlines()]
        for name in names:
            if name.strip():
                index.setdefault(state_name_key(name), state.iso3)
    return index
