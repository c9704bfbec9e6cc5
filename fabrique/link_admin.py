"""The partner-link section of the admin screen: create a link, list the issued ones, revoke or re-issue one.
Staff only (pages/admin_import.py is gated by ui.staff_only); the register is partners.LinkRegister."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from . import config, data, fmt, partners

STATUS = {"active": "actif", "expired": "expiré", "revoked": "révoqué"}
COLUMNS = {"jti": "Identifiant", "label": "Partenaire", "perimeter": "Périmètre", "expires": "Valable jusqu'au",
           "issued_at": "Émis le", "status": "État"}
SHOWN_LINK = "_link_admin_shown"     # the link just created or re-issued, shown until the next action


def _when(iso: str | None) -> str:
    """A stored UTC time as the staff read it: French date and local time."""
    if not iso:
        return "–"
    try:
        return fmt.datetime(dt.datetime.fromisoformat(iso).astimezone())
    except ValueError:
        return "–"


def links_frame(links, opts) -> pd.DataFrame:
    """The issued links as a table in French, latest first."""
    rows = []
    for link in sorted(links, key=lambda k: k.issued_at, reverse=True):
        status = STATUS[link.status()]
        if link.revoked_at:
            status += f" le {_when(link.revoked_at)}"
        if link.replaces:
            status += f" (remplace {link.replaces})"
        rows.append({"jti": link.jti, "label": link.label or "–", "perimeter": link.perimeter().describe(opts) or "–",
                     "expires": fmt.date(dt.date.fromisoformat(link.expires)), "issued_at": _when(link.issued_at),
                     "status": status})
    return pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=COLUMNS)


def _url(token: str) -> str:
    base = (st.context.url or "").rsplit("/", 1)[0]
    return f"{base}/?{urlencode({partners.URL_KEY: token})}"


def section() -> None:
    st.subheader("Liens partenaires", anchor=False)
    secret = config.partner_secret()
    problem = partners.secret_problem(secret)
    if not secret:
        st.info("Liens partenaires désactivés : aucun secret configuré (FABRIQUE_PARTNER_SECRET ou clé "
                "partner_secret des secrets). Créez-en un avec " + partners.NEW_SECRET_COMMAND + ".",
                icon=":material/lock:")
        return
    if problem:
        st.error(problem + " Aucun lien partenaire ne s'ouvre tant que le secret n'est pas remplacé.",
                 icon=":material/error:")
        return
    register = partners.LinkRegister(config.links_path())
    opts = data.options()

    with st.form("lien_partenaire"):
        st.markdown("**Créer un lien**")
        st.caption("Le lien verrouille le périmètre choisi (région, département ou structure) jusqu'à la date "
                   "d'expiration ; le partenaire ne peut ni l'élargir, ni voir le détail des projets.")
        regs = st.multiselect("Régions", list(opts.regions), format_func=opts.regions.get,
                              placeholder="Aucune région", select_all=False)
        deps = st.multiselect("Départements", list(opts.departments),
                              format_func=lambda d: f"{d} – {opts.departments[d][0]}", placeholder="Aucun département",
                              select_all=False)
        structures = st.multiselect("Structures", list(opts.structures), format_func=opts.structures.get,
                                    placeholder="Aucune structure", select_all=False)
        label = st.text_input("Nom du partenaire (affiché sur le tableau de bord)", max_chars=120)
        expires = st.date_input("Valable jusqu'au", value=dt.date.today() + dt.timedelta(days=180),
                                min_value=dt.date.today(), format="DD/MM/YYYY")
        if st.form_submit_button("Créer le lien"):
            try:
                token, record = register.issue(secret, expires=expires, regs=tuple(regs), deps=tuple(deps),
                                               structures=tuple(structures), label=label.strip())
            except (partners.PartnerLinkError, partners.RegisterError, OSError) as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.session_state[SHOWN_LINK] = (f"Lien {record.jti} créé", _url(token))

    shown = st.session_state.get(SHOWN_LINK)
    if shown:
        st.success(f"{shown[0]}. Copiez-le avec l'icône à droite du cadre : il ne sera plus affiché ensuite "
                   "(le registre ne garde pas les liens eux-mêmes).", icon=":material/link:")
        st.code(shown[1], language=None, wrap_lines=True)

    st.markdown("**Liens émis**")
    try:
        links = register.links()
    except partners.RegisterError as exc:
        st.error(str(exc) + " Tant qu'il l'est, aucun lien partenaire ne s'ouvre.", icon=":material/error:")
        return
    if not links:
        st.caption("Aucun lien émis depuis cet écran ou la ligne de commande.")
        return
    st.dataframe(links_frame(links, opts), hide_index=True, width="stretch", key="link_admin_table")
    by_id = {link.jti: link for link in links}
    choice = st.selectbox("Lien", sorted(by_id, key=lambda j: by_id[j].issued_at, reverse=True),
                          format_func=lambda j: f"{j} · {by_id[j].label or 'sans nom'} · {STATUS[by_id[j].status()]}",
                          key="link_admin_choice")
    link = by_id[choice]
    left, right = st.columns(2)
    with left:
        if st.button("Révoquer ce lien", icon=":material/link_off:", disabled=bool(link.revoked_at),
                     help="Le lien cesse aussitôt d'ouvrir le tableau de bord, y compris pour un partenaire "
                          "dont la page est déjà ouverte (à sa prochaine action)."):
            try:
                register.revoke(choice)
            except (partners.RegisterError, OSError) as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.session_state[SHOWN_LINK] = None
                st.toast(f"Lien {choice} révoqué.", icon=":material/link_off:")
                st.rerun()
    with right:
        until = max(dt.date.fromisoformat(link.expires), dt.date.today())
        new_expiry = st.date_input("Valable jusqu'au (nouveau lien)", value=until, min_value=dt.date.today(),
                                   format="DD/MM/YYYY", key=f"link_admin_expiry_{choice}")
        if st.button("Réémettre ce lien", icon=":material/autorenew:",
                     help="Un nouveau lien (nouvel identifiant) pour le même partenaire et le même périmètre ; "
                          "l'ancien est révoqué."):
            try:
                token, record = register.reissue(secret, choice, new_expiry)
            except (partners.PartnerLinkError, partners.RegisterError, OSError) as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.session_state[SHOWN_LINK] = (f"Lien {record.jti} créé en remplacement de {choice}", _url(token))
                st.rerun()
