"""Parcours des projets: que deviennent les idées ? Funnel, conversion and abandonment by cohort."""
import streamlit as st

from fabrique import charts, data, fmt, ui

ctx = ui.context()
f = ctx.filters
ui.header("Parcours des projets", "Que deviennent les idées ?",
          "De la détection d'un besoin à la création d'une activité : combien de projets franchissent "
          "chaque étape, en combien de temps, et pourquoi certains s'arrêtent.")
ui.context_line(ctx)
st.info("Les chiffres de cette page sont calculés **par cohorte** : chaque projet est rattaché à l'année de "
        "sa détection et ses étapes suivantes (étude, création, abandon) lui sont comptées quelle que soit "
        "l'année où elles ont eu lieu, et non année par année.", icon=":material/info:")

kpis = data.load("pipeline/kpis", ctx).iloc[0]

if kpis["detections_n"] == 0:
    ui.empty("Aucun projet détecté pendant la période ne correspond aux filtres choisis.")
else:
    cohorts = (f"projets détectés en {f.year_from}" if f.year_from == f.year_to
               else f"projets détectés de {f.year_from} à {f.year_to}")
    n_det, n_stu, n_cre = (fmt.number(kpis[c]) for c in ("detections_n", "studies_reached_n", "creations_cohort_n"))
    months = fmt.number(kpis["median_months_n"])
    delay = months if months == "–" else f"{months} mois"

    row1 = st.columns(3)
    with row1[0]:
        ui.kpi("Projets détectés", n_det, help=f"Tous les {cohorts} (besoin ou idée repéré).")
    with row1[1]:
        ui.kpi("Projets arrivés à l'étude d'opportunité", n_stu,
               help="Projets de ces cohortes arrivés au moins à l'étude d'opportunité : étape actuelle "
                    "« étude d'opportunité » ou suivante, ou abandon à l'une de ces étapes. Ce n'est pas le "
                    "nombre d'études déclarées par les structures dans leur activité annuelle (Vue d'ensemble).")
    with row1[2]:
        ui.kpi("Créations de la cohorte", n_cre,
               help="Projets de ces cohortes dont l'activité a été créée, quelle que soit l'année de création "
                    "(la Vue d'ensemble compte les créations l'année où elles ont lieu).")
    row2 = st.columns(3)
    with row2[0]:
        ui.kpi("Taux études / détections", fmt.percent(kpis["studies_per_detection_pct"]),
               help=f"{n_stu} études sur {n_det} projets détectés.")
    with row2[1]:
        ui.kpi("Taux créations / études", fmt.percent(kpis["creations_per_study_pct"]),
               help=f"{n_cre} créations sur {n_stu} projets arrivés à l'étude d'opportunité.")
    with row2[2]:
        ui.kpi("Délai médian de création", delay,
               help="Médiane, en mois entiers, du délai entre la détection du besoin et la création de "
                    f"l'activité, pour les {n_cre} projets créés de ces cohortes.")
    st.caption(
        f"Taux études / détections : {n_stu} sur {n_det} ; taux créations / études : {n_cre} sur {n_stu}. "
        f"Projets abandonnés : {fmt.number(kpis['abandons_n'])}. Les cohortes récentes n'ont pas encore "
        "eu le temps d'aboutir : leurs taux de création montent encore."
    )

    st.subheader("Jusqu'où vont les projets ?", anchor=False)
    reached = data.load("pipeline/reached_by_stage", ctx)
    current = data.load("pipeline/current_by_stage", ctx)
    stage_labels = {"stage": "Étape", "reached_n": "Projets ayant atteint l'étape",
                    "reached_pct": "Part des projets détectés", "abandoned_n": "Abandonnés à cette étape",
                    "abandon_pct": "Taux d'abandon", "projects_n": "Projets", "share_pct": "Part des projets"}
    left, right = st.columns(2)
    with left:
        ui.chart(charts.funnel(reached, "stage", "reached_n", "reached_pct",
                               title="Projets ayant atteint chaque étape", labels=stage_labels),
                 reached, {k: stage_labels[k] for k in ["stage", "reached_n", "reached_pct"]}, key="funnel",
                 caption="Un projet a atteint une étape s'il s'y trouve, s'il l'a dépassée, ou s'il a été "
                         "abandonné à cette étape ou plus loin ; un projet créé les a toutes franchies.")
    with right:
        ui.chart(charts.bars(current, "stage", "projects_n", title="Étape actuelle des projets",
                             labels=stage_labels, horizontal=True),
                 current, {k: stage_labels[k] for k in ["stage", "projects_n", "share_pct"]}, key="current",
                 caption="Situation à la date des données, abandons compris.")

    st.subheader("Taux de transformation par cohorte", anchor=False)
    by_cohort = data.load("pipeline/by_cohort", ctx)
    by_cohort["cohort_label"] = [ctx.options.year_label(int(y)) for y in by_cohort["cohort_year"]]
    cohort_labels = {"cohort_label": "Cohorte (année de détection)", "detections_n": "Projets détectés",
                     "studies_reached_n": "Arrivés à l'étude", "creations_cohort_n": "Créations de la cohorte",
                     "abandons_n": "Abandons",
                     "studies_per_detection_pct": "Études / détections",
                     "creations_per_study_pct": "Créations / études",
                     "median_months_n": "Délai médian (mois)"}
    left, right = st.columns(2)
    with left:
        ui.chart(charts.rate_lines(by_cohort, "cohort_label",
                                   ["studies_per_detection_pct", "creations_per_study_pct"],
                                   title="Taux de transformation par cohorte", labels=cohort_labels,
                                   fractions={"studies_per_detection_pct": ("studies_reached_n", "detections_n"),
                                              "creations_per_study_pct": ("creations_cohort_n", "studies_reached_n")}),
                 by_cohort, {k: cohort_labels[k] for k in ["cohort_label", "studies_reached_n", "detections_n",
                                                           "studies_per_detection_pct", "creations_cohort_n",
                                                           "creations_per_study_pct"]},
                 key="rates_by_cohort")
    with right:
        ui.chart(charts.bars(by_cohort, "cohort_label", "median_months_n",
                             title="Délai médian détection → création par cohorte (mois)", labels=cohort_labels,
                             unit=" mois"),
                 by_cohort, {k: cohort_labels[k] for k in ["cohort_label", "creations_cohort_n", "median_months_n"]},
                 key="delay_by_cohort",
                 caption="Sur les seuls projets déjà créés de chaque cohorte.")
    ui.table(by_cohort, cohort_labels, key="by_cohort")

    st.subheader("Abandons", anchor=False)
    abandon_stages = data.load("pipeline/abandons_by_stage", ctx)
    reasons = data.load("pipeline/abandons_by_reason", ctx)
    left, right = st.columns(2)
    with left:
        ui.chart(charts.rate_bars(abandon_stages, "stage", "abandon_pct",
                                  title="Taux d'abandon par étape", labels=stage_labels,
                                  fraction=("abandoned_n", "reached_n")),
                 abandon_stages, {k: stage_labels[k] for k in ["stage", "abandoned_n", "reached_n", "abandon_pct"]},
                 key="abandon_by_stage",
                 caption="Projets abandonnés à l'étape ÷ projets ayant atteint l'étape.")
    with right:
        if ctx.protected:
            st.caption("Les motifs d'abandon sont saisis librement par les structures : ils ne sont pas "
                       "affichés dans une vue partenaire ou publique.")
        elif reasons.empty:
            st.caption("Aucun projet de ces cohortes n'a été abandonné.")
        else:
            reason_labels = {"abandon_reason": "Motif d'abandon", "abandons_n": "Projets abandonnés",
                             "share_pct": "Part des abandons"}
            ui.chart(charts.bars(reasons, "abandon_reason", "abandons_n", title="Motifs d'abandon",
                                 labels=reason_labels, horizontal=True, colours={"abandons_n": charts.PALETTE[5]}),
                     reasons, reason_labels, key="abandon_reasons")

    st.subheader("Par secteur d'activité", anchor=False)
    ui.table(data.load("pipeline/by_sector", ctx), {
        "sector": "Secteur", "detections_n": "Projets détectés", "studies_reached_n": "Arrivés à l'étude",
        "creations_cohort_n": "Créations de la cohorte", "abandons_n": "Abandons", "studies_per_detection_pct": "Études / détections",
        "creations_per_study_pct": "Créations / études", "creations_per_detection_pct": "Créations / détections"},
        key="by_sector")

ui.footer()
