"""Command line: build the demo database, import records or GAL perimeters, write the template.

    python -m fabrique demo [--scale N] [--db PATH]      build the fictitious demo database
    python -m fabrique ensure [--db PATH]                build the demo database only if missing
    python -m fabrique import FILE... [--partial] [--allow-empty] [--db PATH] [--report CSV]
    python -m fabrique import-gal FILE [--db PATH] [--report CSV]
    python -m fabrique template OUT.xlsx [--schema schema.json]
    python -m fabrique lien --reg 53 --expire 2027-06-30 [--base-url URL]   signed partner link (recorded)
    python -m fabrique liens [--db PATH]                                   issued partner links
    python -m fabrique revoquer ID [--db PATH]                             revoke one partner link
    python -m fabrique mot-de-passe                                        hash for the admin password
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config


def _demo(args) -> int:
    from . import build, demo, geo

    geo.write_static()
    records = demo.generate(scale=args.scale)
    res = build.build(records, kind="demo", db_path=args.db, data_date=config.DEMO_AS_OF)
    print(f"Base de démonstration (données fictives) écrite : {res.path} "
          f"({res.row_counts['projects']} projets, {res.row_counts['structures']} structures).")
    return 0


def _ensure(args) -> int:
    """Build the demo database if missing; rebuild any database whose build SQL has changed since."""
    from . import build, geo

    geo.write_static()
    path = Path(args.db or config.db_path())
    if not path.exists():
        args.scale = 1.0
        return _demo(args)
    if build.stored_schema_version(path) == build.schema_version():
        print(f"Base présente et à jour : {path}")
        return 0
    # The tables' definitions changed: rebuild with the same records (demo or imported), so that the
    # code and the database agree. The old file is archived as usual.
    records, rejected, kind, data_date = build.read_records(path)
    res = build.build(records, kind=kind, db_path=path, rejected=rejected, data_date=data_date)
    print(f"Base reconstruite (définitions modifiées) : {res.path}, ancienne archivée : {res.archived}")
    return 0


def _import(args) -> int:
    from . import build, importer

    result = importer.import_files(args.files)
    report = Path(args.report) if args.report else Path(args.db or config.db_path()).parent / "rapport_import.csv"
    report.parent.mkdir(parents=True, exist_ok=True)
    importer.write_result_csv(result, report)  # always: a stale report would describe another file
    print(importer.format_result(result))
    print(f"Rapport écrit : {report}")
    if not result.ok and not args.partial:
        print("Importation refusée : la base actuelle n'a pas été modifiée. "
              "Corrigez les erreurs ou relancez avec --partial pour importer les lignes valides.")
        return 1
    if (why := importer.empty_import(result.records)) and not args.allow_empty:
        print(f"{why} ; la base actuelle n'a pas été modifiée. Si c'est voulu, relancez avec --allow-empty.")
        return 1
    try:
        res = build.build(result.records, kind="import", db_path=args.db,
                          rejected=result.rejected if args.partial else None,
                          input_files=[Path(f) for f in args.files])
    except build.BuildError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Importation réussie : {res.path} ({res.row_counts['projects']} projets, "
          f"{res.row_counts['structures']} structures, {len(result.rejected)} ligne(s) rejetée(s), "
          f"{result.n_warnings} avertissement(s) gardé(s) dans le rapport).")
    if res.archived:
        print(f"Ancienne base archivée : {res.archived}")
    return 0


def _import_gal(args) -> int:
    from . import admin, build, gal, importer

    db = Path(args.db or config.db_path())
    if not db.exists():
        print(f"Aucune base à compléter : {db}. Construisez-la d'abord (make run ou python -m fabrique demo).")
        return 1
    result = gal.read_gal_file(Path(args.file))
    report = Path(args.report) if args.report else db.parent / "rapport_import_gal.csv"
    importer.write_report_csv(result.problems, report, n_errors=result.n_errors, n_warnings=result.n_warnings)
    text = importer.format_report(result.problems, n_errors=result.n_errors, n_warnings=result.n_warnings)
    if not result.ok:
        print(f"{text}\nRapport écrit : {report}\nAucun périmètre importé : la base actuelle n'a pas été "
              "modifiée.", file=sys.stderr)
        return 1
    print(f"{text}\nRapport écrit : {report}")
    try:
        res = admin.apply_gal(result.table, db_path=db)
    except build.BuildError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Périmètres LEADER importés : {res.row_counts['leader_gal']} GAL, "
          f"{res.row_counts['leader_communes']} communes. Ancienne base archivée : {res.archived}")
    return 0


def _template(args) -> int:
    from . import template

    out = Path(args.out)
    template.write_template(out)
    schema_path = Path(args.schema) if args.schema else out.parent / "schema.json"
    template.write_table_schema(schema_path)
    print(f"Modèle d'importation écrit : {out}")
    print(f"Schéma de données (Table Schema, format frictionless) écrit : {schema_path}")
    return 0


def _lien(args) -> int:
    import datetime as dt
    from urllib.parse import urlencode

    from . import db, partners

    path = Path(args.db or config.db_path())
    try:
        expires = dt.date.fromisoformat(args.expire)
    except ValueError:
        print(f"Date d'expiration invalide : « {args.expire} » (format attendu : AAAA-MM-JJ).", file=sys.stderr)
        return 2
    split = lambda v: tuple(x.strip().upper() for x in v.split(",") if x.strip()) if v else ()  # noqa: E731
    regs, deps, structures = split(args.reg), split(args.dep), split(args.structure)
    known = {
        "région": set(db.run("frame/regions", path=path)["reg_code"]),
        "département": set(db.run("frame/departments", path=path)["dep_code"]),
        "structure": set(db.run("frame/structures", path=path)["structure_id"]),
    }
    for what, codes in [("région", regs), ("département", deps), ("structure", structures)]:
        unknown = [c for c in codes if c not in known[what]]
        if unknown:
            print(f"Code de {what} inconnu : {', '.join(unknown)}.", file=sys.stderr)
            return 2
    register = partners.LinkRegister(config.links_path(path))
    try:
        token, record = register.issue(config.partner_secret() or "", expires=expires, regs=regs, deps=deps,
                                       structures=structures, label=args.libelle or "")
    except (partners.PartnerLinkError, partners.RegisterError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{args.base_url.rstrip('/')}/?{urlencode({partners.URL_KEY: token})}")
    print(f"Lien {record.jti} enregistré dans {register.path} (révocation : python -m fabrique revoquer "
          f"{record.jti}).", file=sys.stderr)
    return 0


def _liens(args) -> int:
    from . import partners

    register = partners.LinkRegister(config.links_path(args.db))
    try:
        links = register.links()
    except partners.RegisterError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not links:
        print(f"Aucun lien enregistré ({register.path}).")
    status = {"active": "actif", "expired": "expiré", "revoked": "révoqué"}
    for link in sorted(links, key=lambda k: k.issued_at):
        where = ",".join(link.regs + link.deps + link.structures)
        print(f"{link.jti}\t{status[link.status()]}\t{link.expires}\t{where}\t{link.label}")
    return 0


def _revoquer(args) -> int:
    from . import partners

    register = partners.LinkRegister(config.links_path(args.db))
    try:
        known = register.get(args.id) is not None
        register.revoke(args.id)
    except (partners.RegisterError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Lien {args.id} révoqué" + ("." if known else " (identifiant absent du registre : enregistré comme révoqué)."))
    return 0


def _password(args) -> int:
    import getpass

    from . import auth, partners

    password = getpass.getpass("Mot de passe administrateur : ")
    if len(password) < 12:
        print("Choisissez au moins 12 caractères.", file=sys.stderr)
        return 2
    if len(password) > auth.MAX_PASSWORD_LENGTH:
        print(f"Choisissez au plus {auth.MAX_PASSWORD_LENGTH} caractères (les mots de passe plus longs sont refusés "
              "à la connexion).", file=sys.stderr)
        return 2
    if getpass.getpass("Confirmez : ") != password:
        print("Les deux saisies diffèrent.", file=sys.stderr)
        return 2
    print("Ajoutez à l'environnement du serveur (ou à .streamlit/secrets.toml, clé admin_password_hash) :")
    print(f"FABRIQUE_ADMIN_PASSWORD_HASH='{partners.hash_password(password)}'")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fabrique", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="construire la base de démonstration (données fictives)")
    p.add_argument("--scale", type=float, default=1.0, help="multiplie le nombre de projets (banc d'essai)")
    p.add_argument("--db", type=Path)
    p.set_defaults(func=_demo)

    p = sub.add_parser("ensure", help="construire la base de démonstration si elle manque")
    p.add_argument("--db", type=Path)
    p.set_defaults(func=_ensure)

    p = sub.add_parser("import", help="importer un classeur XLSX ou des CSV (structures, projets, activite)")
    p.add_argument("files", nargs="+")
    p.add_argument("--partial", action="store_true", help="importer les lignes valides, garder les autres dans rejected_rows")
    p.add_argument("--db", type=Path)
    p.add_argument("--report", type=Path, help="chemin du rapport CSV des problèmes")
    p.add_argument("--allow-empty", action="store_true",
                   help="accepter une importation sans structure ou sans projet (sinon refusée)")
    p.set_defaults(func=_import)

    p = sub.add_parser("import-gal", help="importer les périmètres LEADER (CSV ou XLSX, par commune ou par EPCI)")
    p.add_argument("file")
    p.add_argument("--db", type=Path)
    p.add_argument("--report", type=Path, help="chemin du rapport CSV des problèmes")
    p.set_defaults(func=_import_gal)

    p = sub.add_parser("template", help="écrire le modèle d'importation XLSX et son schéma (schema.json)")
    p.add_argument("out")
    p.add_argument("--schema", type=Path, help="chemin du schéma (par défaut schema.json à côté du modèle)")
    p.set_defaults(func=_template)

    p = sub.add_parser("lien", help="créer un lien partenaire signé, limité à un périmètre et à une date")
    p.add_argument("--reg", help="codes de région, séparés par des virgules")
    p.add_argument("--dep", help="codes de département, séparés par des virgules")
    p.add_argument("--structure", help="identifiants de structure, séparés par des virgules")
    p.add_argument("--expire", required=True, help="dernier jour de validité, AAAA-MM-JJ")
    p.add_argument("--libelle", help="nom du partenaire (affiché sur le tableau de bord)")
    p.add_argument("--base-url", default="http://localhost:8501", help="adresse publique du tableau de bord")
    p.add_argument("--db", type=Path)
    p.set_defaults(func=_lien)

    p = sub.add_parser("liens", help="lister les liens partenaires émis (identifiant, état, expiration)")
    p.add_argument("--db", type=Path)
    p.set_defaults(func=_liens)

    p = sub.add_parser("revoquer", help="révoquer un lien partenaire par son identifiant")
    p.add_argument("id")
    p.add_argument("--db", type=Path)
    p.set_defaults(func=_revoquer)

    p = sub.add_parser("mot-de-passe", help="calculer l'empreinte du mot de passe administrateur")
    p.set_defaults(func=_password)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
