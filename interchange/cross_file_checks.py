"""Checks across the files read, before anything is saved: what no single file shows."""


def people_named(doc):
    """The people a file describes: a person's own file, or a page's author and reviewer."""
    if doc.kind == "person":
        return [doc.data]
    return [person for person in (doc.data.get("author"), doc.data.get("reviewer")) if person]


def cross_file_problems(documents):
    """What no single file shows: a slug or id in two files, a shared source or person
    described two ways, or an entry listed twice in one file."""
    problems, first_seen, references, users = [], {}, {}, {}
    people_files = {doc.data["slug"]: doc for doc in documents if doc.kind == "person"}
    for doc in documents:
        data = doc.data
        claims = [("slug", data.get("slug")), ("id", data.get("id"))]
        for key, value in claims:
            if value is not None:
                first = first_seen.setdefault((doc.kind, key, value), doc.path)
                if first != doc.path:
                    problems.append(f"{doc.path}: {key} {value} is also used by {first}")
        for key, listed in (
            ("sources", [source["id"] for source in data.get("sources", ()) if source["id"]]),
            ("treatments", data.get("treatments", [])),
            ("figures", [figure["number"] for figure in data.get("figures", ())]),
        ):
            twice = sorted({str(item) for item in listed if listed.count(item) > 1})
            if twice:
                problems.append(f"{doc.path}: {key} lists {', '.join(twice)} more than once")
        for source in data.get("sources", ()):
            if source["id"] is not None:
                path, described = references.setdefault(source["id"], (doc.path, source))
                if described != source:
                    problems.append(
                        f"{doc.path}: source {source['id']} differs from the same source in "
                        f"{path}; every file listing a source must describe it the same way"
                    )
        for person in people_named(doc):
            key = (person["name"], person["credentials"])
            own = people_files.get(person["slug"]) if doc.kind != "person" else None
            if own and (own.data["name"], own.data["credentials"]) != key:
                problems.append(
                    f"{doc.path}: {person['name']} ({person['slug']}) is named "
                    f"“{own.data['name']}”, credentials “{own.data['credentials']}”, in "
                    f"{own.path}; a page names a person as their own file does"
                )
            if person["user"]:
                path, user = users.setdefault(key, (doc.path, person["user"]))
                if user != person["user"]:
                    problems.append(
                        f"{doc.path}: {person['name']} has user {person['user']} here but "
                        f"{user} in {path}"
                    )
    return problems
