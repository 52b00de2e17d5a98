"""Load one discovered unit into the model: parse -> resolve -> normalise, per format.

Each loader returns the deployments it built and the errors it met; an error in one file
never stops the others.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from aksnetlint.discover import Unit, relative, terraform_files
from aksnetlint.environments import Environment, label
from aksnetlint.errors import AksnetlintError
from aksnetlint.findings import FileError
from aksnetlint.model import Deployment

# Marks a note that says what could not be known (shown with --show-unresolved only).
UNRESOLVED_NOTE = "unresolved:"


@dataclass(slots=True)
class Loaded:
    deployments: list[Deployment] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    called: set[Path] = field(default_factory=set)  # folders used as child modules
    supersedes: set[Path] = field(default_factory=set)  # units this one replaces


@dataclass(frozen=True, slots=True)
class LoadOptions:
    root: Path
    var_files: tuple[Path, ...] = ()
    param_files: tuple[Path, ...] = ()
    # the folders named on the command line: where to look for a file's callers and
    # parameter files (a file named alone looks in its repository, else the scan root)
    search_roots: tuple[Path, ...] = ()
    environments: tuple[Environment, ...] = ()  # named parameter variants (configuration)
    # what may be read: the repository of each scanned path (or the path itself outside a
    # repository) and the files named on the command line; nothing outside is opened
    allowed: tuple[Path, ...] = ()

    def environments_of(self, path: Path) -> list[Environment]:
        """The environments that name this variable or parameter file."""
        path = path.resolve()
        return [e for e in self.environments if path in e.var_files or path in e.param_files]

    def claimed(self, path: Path) -> bool:
        """Whether an environment names this file (then it is applied only there)."""
        return bool(self.environments_of(path))

    def search_root(self, path: Path) -> Path:
        for folder in self.search_roots:
            if path == folder or folder in path.parents:
                return folder
        for folder in path.parents:
            if (folder / ".git").exists():
                return folder
        return self.root


def file_error(exc: AksnetlintError, default_path: str) -> FileError:
    return FileError(exc.path or default_path, exc.message, exc.line, exc.column)


def _parse_module_folder(folder: Path, files: list[Path], options: LoadOptions,
                         loaded: Loaded) -> object:
    from aksnetlint.parsers.terraform import parse_terraform
    from aksnetlint.resolve.terraform import TerraformModule
    from aksnetlint.sources import OutsideTree, read_text

    module = TerraformModule(relative(folder, options.root))
    for path in files:
        rel = relative(path, options.root)
        loaded.files += 1
        try:
            if path.name.endswith(".tf.json"):  # Terraform's JSON syntax
                from aksnetlint.parsers.terraform_json import parse_terraform_json

                module.files.append(parse_terraform_json(read_text(path, rel), rel))
                continue
            module.files.append(parse_terraform(read_text(path, rel), rel))
        except OutsideTree as exc:
            loaded.notes.append(str(exc).replace(": error: ", ": ", 1))
        except AksnetlintError as exc:
            loaded.errors.append(file_error(exc, rel))
    return module


def _module_loader(root_folder: Path, options: LoadOptions, loaded: Loaded) -> object:
    """Finds called modules: local paths beside the caller, registry and git modules
    through `.terraform/modules/modules.json` when `terraform init` has run."""
    import json

    from aksnetlint.resolve.terraform import ModuleLoader, TerraformModule
    from aksnetlint.sources import escape, inside, read_text
    from aksnetlint.values import Location, Unresolved

    manifest: dict[str, Path] = {}
    manifest_file = root_folder / ".terraform" / "modules" / "modules.json"
    manifest_rel = relative(manifest_file, options.root)
    text: str | None = None
    try:  # read (or found missing) through `sources`: the result cache records it
        text = read_text(manifest_file, manifest_rel)
    except AksnetlintError as exc:
        if manifest_file.exists():
            loaded.errors.append(file_error(exc, manifest_rel))
    if text is not None:
        try:
            data = json.loads(text)
            for entry in data.get("Modules", []):
                if isinstance(entry, dict) and entry.get("Key") and entry.get("Dir"):
                    manifest[str(entry["Key"])] = (root_folder / str(entry["Dir"])).resolve()
        except (OSError, ValueError, AttributeError) as exc:
            loaded.errors.append(FileError(relative(manifest_file, options.root),
                                           f"cannot read module manifest: {exc}"))
    cache: dict[Path, TerraformModule] = {}

    def not_downloaded(source: str, key: str, loc: Location) -> Unresolved:
        reason = (f"module '{key}' ({source}) is not downloaded; run `terraform init` to let "
                  "aksnetlint read it")
        note = f"{loc}: {UNRESOLVED_NOTE} {reason}"
        if note not in loaded.notes:
            loaded.notes.append(note)
        return Unresolved(reason, loc)

    class FileModuleLoader(ModuleLoader):
        def load(self, caller: TerraformModule, source: str, key: str,
                 loc: Location) -> TerraformModule | Unresolved:
            shown = escape(source[:200])
            if "\0" in source or len(source) > 1024:
                loaded.errors.append(FileError(loc.path, f"module source {shown!r} is not a "
                                               "valid path", loc.line, loc.column))
                return Unresolved(f"module source {shown!r} is not a valid path", loc)
            if source.startswith(("./", "../")) or source in (".", ".."):
                folder = (options.root / caller.folder / source).resolve()
            elif key in manifest:
                folder = manifest[key]
            else:
                return not_downloaded(shown, key, loc)
            if not inside(folder):
                why = f"module source {shown!r} is outside the scanned tree; not read"
                loaded.notes.append(f"{loc}: {why}")
                return Unresolved(why, loc)
            if not folder.is_dir():
                if ".terraform" in Path(source).parts:
                    # a folder `terraform init` fills in (a nested registry module's copy)
                    return not_downloaded(shown, key, loc)
                loaded.errors.append(FileError(loc.path, f"module folder {shown!r} not found",
                                               loc.line, loc.column))
                return Unresolved(f"module folder {shown!r} not found", loc)
            if folder not in cache:
                files = terraform_files(folder)
                module = _parse_module_folder(folder, files, options, loaded)
                assert isinstance(module, TerraformModule)
                cache[folder] = module
                if folder != root_folder:  # a module calling its own folder is a cycle
                    loaded.called.add(folder)
            return cache[folder]

    return FileModuleLoader()


def load_terraform(unit: Unit, options: LoadOptions) -> Loaded:
    from aksnetlint.normalise.terraform import normalise_terraform
    from aksnetlint.resolve.terraform import (
        ModuleLoader,
        TerraformModule,
        load_var_file,
        resolve_terraform,
    )
    from aksnetlint.sources import OutsideTree

    loaded = Loaded()
    folder_rel = relative(unit.path, options.root)
    module = _parse_module_folder(unit.path, unit.files, options, loaded)
    assert isinstance(module, TerraformModule)
    explicit = options.var_files + unit.var_files
    for path in _var_files(unit.path, explicit):
        rel = relative(path, options.root)
        loaded.files += 1
        try:
            module.var_files.append(load_var_file(path, rel))
        except OutsideTree as exc:  # a symlinked terraform.tfvars, a configured var_files
            loaded.notes.append(str(exc).replace(": error: ", ": ", 1))
        except AksnetlintError as exc:
            loaded.errors.append(file_error(exc, rel))
    if not module.files:
        return loaded
    loader = _module_loader(unit.path, options, loaded)
    assert isinstance(loader, ModuleLoader)
    resolution = resolve_terraform(module, loader)
    loaded.errors.extend(file_error(e, folder_rel) for e in resolution.errors)
    loaded.notes.extend(resolution.notes)
    variant = unit.variant or label([p.resolve() for p in explicit], options.root)
    loaded.deployments.append(replace(normalise_terraform(resolution.resources, folder_rel),
                                      variant=variant))
    return loaded


def _var_files(folder: Path, extra: tuple[Path, ...]) -> list[Path]:
    """Terraform's order (later wins): terraform.tfvars(.json), *.auto.tfvars(.json) in
    lexical order, then -var-file arguments."""
    ordered = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    ordered += sorted(p for p in folder.glob("*.auto.tfvars"))
    ordered += sorted(p for p in folder.glob("*.auto.tfvars.json"))
    ordered = [p for p in ordered if p.is_file()]
    return ordered + [p.resolve() for p in extra]


def load_json(unit: Unit, options: LoadOptions) -> Loaded:
    """A `.json` file: a Terraform plan, an ARM template, or something else (skipped, in
    any encoding: a file that cannot be decoded is reported only when it claims to be ARM
    or a plan)."""
    from aksnetlint.parsers.arm import claims_arm
    from aksnetlint.sources import peek_text, read_text

    loaded = Loaded()
    rel = relative(unit.path, options.root)
    try:
        text = read_text(unit.path, rel)
    except AksnetlintError as exc:
        peeked = peek_text(unit.path)
        if peeked is not None and not claims_arm(peeked) \
                and '"terraform_version"' not in peeked[:4096]:
            return loaded
        loaded.files += 1
        loaded.errors.append(file_error(exc, rel))
        return loaded
    head = text[:4096]
    if '"format_version"' in text and '"terraform_version"' in head:
        return _load_plan(unit, text, rel, options, loaded)
    return _load_arm(unit, text, rel, options, loaded)


def _load_arm(unit: Unit, text: str, rel: str, options: LoadOptions, loaded: Loaded) -> Loaded:
    """An ARM template (or Blueprint template artifact) with its parameter files. A
    parameter file builds no deployment of its own; named alone, it scans its template.
    Compiled Bicep with its `.bicep` source beside it is superseded by that source when the
    source is scanned too (`load_bicep`)."""
    from aksnetlint.parsers.arm import (
        PARAMETERS_SCHEMA_MARK,
        TEMPLATE_SCHEMA_MARK,
        claims_arm,
        parse,
    )

    lowered = text.lower()
    marks = (TEMPLATE_SCHEMA_MARK, PARAMETERS_SCHEMA_MARK, "microsoft.blueprint/blueprints")
    if not any(mark in lowered for mark in marks):
        return loaded
    try:
        document = parse(text, rel)
    except AksnetlintError as exc:
        if not claims_arm(text):
            return loaded  # JSON (or not) that only mentions a schema: not ARM
        loaded.files += 1
        loaded.errors.append(file_error(exc, rel))
        return loaded
    if document.kind == "parameters":
        return _load_parameters_alone(unit, options, loaded)
    if document.kind != "template":
        return loaded
    return _resolve_arm(unit, document, rel, options, loaded)


def _load_parameters_alone(unit: Unit, options: LoadOptions, loaded: Loaded) -> Loaded:
    """A parameter file as a unit of its own builds no deployment; named alone (as
    pre-commit does) it scans its template with itself applied, or in each environment
    that names it. The template of `x.parameters.json` is `x.json`, else `x.bicep`."""
    from aksnetlint.bicep_build import source_of
    from aksnetlint.parsers.arm import parse
    from aksnetlint.sources import read_text

    envs = options.environments_of(unit.path)
    template = _template_of_parameters(unit.path)
    # `x.parameters.json` of a Bicep file `x.bicep`, or of a template compiled from one
    # (then the source is scanned with it, as a folder scan does)
    source = source_of(template, options.root) if template is not None else \
        unit.path.with_name(unit.path.name[: -len(".parameters.json")] + ".bicep") \
        if unit.path.name.lower().endswith(".parameters.json") else None
    if source is not None:
        if not source.is_file():
            return loaded
        read: set[str] = set()
        runs: list[tuple[Path, str | None]] = \
            [(p, e.name) for e in envs for p in e.param_files] or [(unit.path, None)]
        for param_file, variant in runs:
            _load_bicep_deployment(source.resolve(), param_file, options, loaded, read, variant)
        loaded.files = len(read)
        return loaded
    if template is None:
        return loaded
    template_rel = relative(template, options.root)
    try:
        document = parse(read_text(template, template_rel), template_rel)
    except AksnetlintError as exc:
        loaded.errors.append(file_error(exc, template_rel))
        return loaded
    if document.kind != "template":
        return loaded
    for env in envs:
        _resolve_arm(Unit(unit.format, template, [template], param_files=env.param_files,
                          variant=env.name), document, template_rel, options, loaded)
    if not envs:
        _resolve_arm(Unit(unit.format, template, [template]), document, template_rel, options,
                     loaded)
    loaded.supersedes.discard(unit.path)  # named alone: this file stands for its template
    return loaded


def _resolve_arm(unit: Unit, document: object, rel: str, options: LoadOptions,
                 loaded: Loaded) -> Loaded:
    from aksnetlint.normalise.arm import normalise_arm
    from aksnetlint.parsers.arm import ArmDocument, parse
    from aksnetlint.resolve.arm import find_parameter_files, resolve_document
    from aksnetlint.sources import read_text

    assert isinstance(document, ArmDocument)
    own = find_parameter_files(unit.path)
    # the template reads its own parameter files: they are no deployment of their own
    loaded.supersedes.update(p.resolve() for p in (*own, *unit.param_files))
    if unit.param_files:  # an environment: its files instead of the template's own
        chosen = [p.resolve() for p in unit.param_files]
    else:  # its own files, but those an environment names are applied there only
        chosen = [p.resolve() for p in own if not options.claimed(p)]
        if unit.others_only and not chosen:
            return loaded  # every parameter file it has belongs to an environment
    loaded.files += 1
    parameter_documents = []
    applied = [*chosen, *(p.resolve() for p in options.param_files)]
    for path in applied:
        path_rel = relative(path, options.root)
        loaded.files += 1
        try:
            parameter_documents.append(parse(read_text(path, path_rel), path_rel))
        except AksnetlintError as exc:
            loaded.errors.append(file_error(exc, path_rel))
    resolution = resolve_document(document, parameter_documents, unit.path)
    loaded.errors.extend(file_error(e, rel) for e in resolution.errors)
    loaded.notes.extend(resolution.notes)
    variant = unit.variant or label(applied, options.root)
    loaded.deployments.append(replace(normalise_arm(resolution.resources, rel),
                                      variant=variant))
    return loaded


def _template_of_parameters(path: Path) -> Path | None:
    """The template a parameter file belongs to by name: `x.json` for `x.parameters.json`,
    `template.json` for an exported `parameters.json`."""
    name = path.name.lower()
    if name == "parameters.json":
        candidate = path.with_name("template.json")
    elif name.endswith(".parameters.json"):
        candidate = path.with_name(path.name[: -len(".parameters.json")] + ".json")
    else:
        return None
    return candidate.resolve() if candidate.is_file() else None


def _load_plan(unit: Unit, text: str, rel: str, options: LoadOptions, loaded: Loaded) -> Loaded:
    from aksnetlint.normalise.terraform import normalise_terraform
    from aksnetlint.parsers import hcl_ast
    from aksnetlint.parsers.arm import parse
    from aksnetlint.resolve.terraform_plan import is_plan, resolve_plan

    loaded.files += 1
    try:
        document = parse(text, rel)
    except AksnetlintError as exc:
        loaded.errors.append(file_error(exc, rel))
        return loaded
    if not is_plan(document.data):
        return loaded
    folder = unit.path.parent

    def module_source(sub: str) -> list[hcl_ast.HclFile] | None:
        target = (folder / sub).resolve() if sub else folder
        files = terraform_files(target)
        if not files:
            return None
        module = _parse_module_folder(target, files, options, loaded)
        return list(getattr(module, "files", []))

    resolution = resolve_plan(document, module_source)
    loaded.errors.extend(file_error(e, rel) for e in resolution.errors)
    loaded.deployments.append(normalise_terraform(resolution.resources, rel))
    if terraform_files(folder):
        # the plan holds every value Terraform resolved: it replaces the module's own scan
        loaded.supersedes.add(folder.resolve())
    return loaded


def load_bicep(unit: Unit, options: LoadOptions) -> Loaded:
    """A `.bicep` file: one deployment per parameter file that belongs to it (every
    `.bicepparam` under the scan root whose `using` names it, `<stem>.parameters.json`
    beside it, and `--param-file`s that fit), or one with its defaults when it has none.
    Its local modules and parameter files are part of it: they are superseded, not scanned
    on their own. A file that other Bicep files use as a module is scanned through the
    top-level files that use it (a module alone has no values for its parameters); with
    none, it is scanned as a root. A `.bicepparam` file scans the file its `using` names,
    with its values. Errors become `FileError`s; nothing raises."""
    from aksnetlint.resolve.bicep import load_bicep as parse_bicep_file
    from aksnetlint.resolve.bicep_callers import deployment_roots, module_closure

    loaded = Loaded()
    read: set[str] = set()
    rel = relative(unit.path, options.root)
    if unit.path.suffix.lower() == ".bicepparam":
        _load_bicepparam(unit.path, rel, options, loaded, read)
        loaded.files = len(read)
        return loaded
    try:
        parse_bicep_file(unit.path, rel)
    except AksnetlintError as exc:
        loaded.files = 1
        loaded.errors.append(file_error(exc, rel))
        return loaded
    roots = deployment_roots(unit.path, options.root, options,
                             options.search_root(unit.path))
    for root_file in roots or [unit.path]:
        _load_bicep_root(root_file, options, loaded, read,
                         unit if root_file == unit.path else None)
    if roots:
        # scanned through its callers: it stands for them when they are not in the scan
        # (a caller in the scan supersedes it); of several modules of the same callers,
        # the first by path stands for them
        for module in {m for r in roots for m in module_closure(r, options.root)}:
            if module <= unit.path or \
                    not set(deployment_roots(module, options.root, options,
                                             options.search_root(module))) <= set(roots):
                loaded.supersedes.discard(module)
    loaded.files = len(read)
    return loaded


def _load_bicepparam(path: Path, rel: str, options: LoadOptions, loaded: Loaded,
                     read: set[str]) -> None:
    from aksnetlint.parsers.bicep_ast import BicepParamFile
    from aksnetlint.resolve.bicep import bicepparam_target, resolve_bicepparam
    from aksnetlint.resolve.bicep import load_bicep as parse_bicep_file

    try:
        tree = parse_bicep_file(path, rel)
    except AksnetlintError as exc:
        read.add(str(path))
        loaded.errors.append(file_error(exc, rel))
        return
    read.add(str(path))
    target = bicepparam_target(path, tree)
    if target is None and (not isinstance(tree, BicepParamFile) or tree.using is None
                           or tree.using.path is None):
        return  # `using none`: a base for `extends`, deployed by the files extending it
    if target is None or not target.is_file():
        # a registry or template-spec reference (a note), or a missing file (an error)
        resolution = resolve_bicepparam(path, rel, options.root)
        loaded.errors.extend(file_error(e, rel) for e in resolution.errors)
        loaded.notes.extend(resolution.notes)
        return
    # in each environment that names it, else a variant of its own
    names: list[str | None] = [e.name for e in options.environments_of(path)]
    for variant in names or [None]:
        _load_bicep_deployment(target.resolve(), path.resolve(), options, loaded, read, variant)


def _load_bicep_root(path: Path, options: LoadOptions, loaded: Loaded, read: set[str],
                     unit: Unit | None = None) -> None:
    """One top-level Bicep file with each of its parameter files (for an environment's
    unit, the environment's files; parameter files an environment names are applied
    only there)."""
    from aksnetlint.bicep_build import compiled_templates
    from aksnetlint.resolve.arm import find_parameter_files
    from aksnetlint.resolve.bicep import bicepparam_target, parameter_files_for
    from aksnetlint.resolve.bicep_callers import bicepparam_users, module_closure

    modules = module_closure(path, options.root)
    loaded.supersedes.update(modules)
    # `bicep build` output beside a source (any file name, recognised by content): the
    # source has the user's lines; the compiled template's parameter files are its variants
    compiled = compiled_templates(path, options.root)
    for source in (path, *modules):
        loaded.supersedes.update(compiled if source == path else
                                 compiled_templates(source, options.root))
    params: dict[Path, str | None] = {}
    own = list(dict.fromkeys(p.resolve() for p in [
        *parameter_files_for(path),
        *bicepparam_users(path, options.root, options, options.search_root(path)),
        *(p for template in compiled for p in find_parameter_files(template))]))
    loaded.supersedes.update(own)
    if unit is not None and unit.param_files:
        several = len(unit.param_files) > 1
        for param in unit.param_files:
            params[param.resolve()] = f"{unit.variant} ({relative(param, options.root)})" \
                if several else unit.variant
    else:
        for param in own:
            if not options.claimed(param):
                params[param] = None
    for given in (p.resolve() for p in options.param_files):
        # `--param-file`: ARM parameter files apply to every deployment, a `.bicepparam`
        # to the file its `using` names
        named = bicepparam_target(given) if given.suffix.lower() == ".bicepparam" else path
        if named is not None and named.resolve() == path.resolve():
            params.setdefault(given, None)
    loaded.supersedes.update(params)
    if not params and unit is not None and unit.others_only:
        return  # every parameter file it has belongs to an environment
    runs: list[tuple[Path | None, str | None]] = [*params.items()] or [(None, None)]
    for param_file, variant in runs:
        _load_bicep_deployment(path.resolve(), param_file, options, loaded, read, variant)


# (resolved .bicep, parameter file, load options) -> the deployment, errors, notes and the
# content hashes of the files its resolution read; reused while those files are unchanged
# (a module and its callers' parameter files all ask for the same deployment)
_BicepRun = tuple[Deployment, list[FileError], list[str], dict[str, str]]
_bicep_runs: dict[tuple[Path, Path | None, LoadOptions], _BicepRun] = {}


def _load_bicep_deployment(path: Path, param_file: Path | None, options: LoadOptions,
                           loaded: Loaded, read: set[str], variant: str | None = None) -> None:
    from contextlib import suppress

    from aksnetlint import budget
    from aksnetlint.normalise.arm import normalise_arm
    from aksnetlint.resolve.bicep import resolve_bicep
    from aksnetlint.sources import read_text, recording

    key = (path, param_file, options)
    run = _bicep_runs.get(key)
    if run is not None:
        # read the files again (the result cache records them); reuse only if unchanged
        with recording() as again:
            for name in run[3]:
                with suppress(AksnetlintError):
                    read_text(Path(name), relative(Path(name), options.root))
        if again != run[3]:
            run = None
    if run is None:
        rel = relative(path, options.root)
        with recording() as reads:
            try:
                with budget.scope():  # each parameter file's deployment has its own budget
                    resolution = resolve_bicep(path, rel, options.root, param_file)
            except budget.BudgetExceeded as exc:
                loaded.errors.append(FileError(exc.path or rel, exc.message, exc.line,
                                               exc.column))
                read.update(reads)
                return
        run = (normalise_arm(resolution.resources, rel, format="bicep"),
               [file_error(e, rel) for e in resolution.errors], list(resolution.notes),
               dict(reads))
        if len(_bicep_runs) > 512:
            _bicep_runs.clear()
        _bicep_runs[key] = run
    deployment, errors, notes, reads = run
    if param_file is not None:
        deployment = replace(deployment, variant=variant or label([param_file], options.root))
    loaded.deployments.append(deployment)
    loaded.errors.extend(errors)
    loaded.notes.extend(notes)
    read.update(reads)


def load_deployed(unit: Unit, options: LoadOptions) -> Loaded:
    """A deployed estate: Azure resource JSON files (az CLI, Resource Graph) normalised as
    one deployment whose resources link by their full resource IDs (`aksnetlint.deployed`)."""
    from aksnetlint.deployed import read_estate
    from aksnetlint.normalise.arm import normalise_arm
    from aksnetlint.parsers.azure_resources import FORMAT, resource_key

    loaded = Loaded()
    files = [(path, relative(path, options.root)) for path in unit.files]
    estate = read_estate(files)
    loaded.errors.extend(file_error(e, rel) for e, rel in
                         ((e, e.path or files[0][1]) for e in estate.errors))
    loaded.notes.extend(estate.notes)
    loaded.files = estate.files
    if estate.resources:
        loaded.deployments.append(normalise_arm(
            estate.resources, relative(unit.path.parent, options.root), format=FORMAT,
            resource_key=resource_key, resource_ids=estate.resource_ids))
    return loaded


Loader = Callable[[Unit, LoadOptions], Loaded]


def _within_budget(load: Loader) -> Loader:
    """Run a loader on one unit inside a work budget of its own (`budget.scope`): a unit
    that runs out of it, or nests too deeply for Python, becomes one positioned error;
    the other units are unaffected."""

    @functools.wraps(load)
    def run(unit: Unit, options: LoadOptions) -> Loaded:
        from aksnetlint import budget
        from aksnetlint.sources import confine

        if unit.format == "terraform":
            # the HCL parser tables are built (or read from the user cache) once per
            # process: not work this unit's input causes, so not charged to its CPU budget
            # (a cold cache costs seconds, which lost the first deployment of a scan)
            from aksnetlint.parsers.hcl_grammar import tables

            tables()
        try:
            with budget.scope(), confine(options.allowed or (options.root,)):
                return load(unit, options)
        except budget.BudgetExceeded as exc:
            message, where = exc.message, (exc.path, exc.line, exc.column)
        except RecursionError:
            message, where = "nested too deeply to evaluate; not scanned", (None, None, None)
        except MemoryError:
            message, where = "out of memory while evaluating; not scanned", (None, None, None)
        from aksnetlint.discover import called_folders

        path = where[0] or relative(unit.path, options.root)
        # its local modules are still part of it: not judged alone without its values
        called = called_folders([unit]) if unit.format == "terraform" else set()
        return Loaded(errors=[FileError(path, message, where[1], where[2])],
                      files=len(unit.files), called=called)

    return run


LOADERS: dict[str, Loader] = {
    "terraform": _within_budget(load_terraform),
    "json": _within_budget(load_json),
    "bicep": _within_budget(load_bicep),
    "azure-resources": _within_budget(load_deployed),
}
