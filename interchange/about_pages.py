"""Importing what readers see about the people behind the pages and how the pages are made:
people (their files in people/, and the people pages name) and the editorial policy."""

from django.contrib.auth import get_user_model

from articles import public_use
from articles.models import EditorialPolicy, Person

from .saving import assign, restore_timestamps

PERSON_FIELDS = ("name", "slug", "credentials", "role", "bio", "conflicts_of_interest")


class AboutPagesImport:
    """For the Importer: `self.people`, `self.people_by_slug`, `self.users`, `self.publish`,
    `self.restoring`, `self.warn`, `self.count()` and `self.needs_sign_off()` come from it."""

    def import_person_page(self, doc):
        """A person's file, matched by slug. Like a series: changes to someone a published page
        credits are refused without --publish (their page, and the bylines, would change)."""
        data = doc.data
        person = Person.objects.filter(slug=data["slug"]).first()
        created = person is None
        person = person or Person()
        changed = assign(person, {key: data[key] for key in PERSON_FIELDS}) or created
        if changed and not created and public_use.shown_publicly(person):
            self.needs_sign_off(f"the person “{person.slug}”")
        if changed:
            person.full_clean()
            person.save()
        self.people_by_slug[person.slug] = person
        # Pages naming them without a slug (older files) mean them too.
        self.people.setdefault((person.name, person.credentials), person)
        self.link_user(person, data["user"])
        self.count(created, changed)

    def person(self, data):
        """The person a page's file names: by slug when its name and credentials match, else
        the Person with this name and credentials, created if there is none."""
        if data is None:
            return None
        key = (data["name"], data["credentials"])
        slug = data["slug"]
        if slug:
            person = self.people_by_slug.get(slug) or Person.objects.filter(slug=slug).first()
            if person is not None and (person.name, person.credentials) == key:
                self.people_by_slug[slug] = person
                self.link_user(person, data["user"])
                return person
        if key not in self.people:
            person = Person.objects.filter(name=key[0], credentials=key[1]).order_by("pk").first()
            if person is None:
                person = Person(name=key[0], credentials=key[1])
                if slug and not Person.objects.filter(slug=slug).exists():
                    person.slug = slug
                person.full_clean()
                person.save()
            self.people[key] = person
        person = self.people[key]
        self.link_user(person, data["user"])
        return person

    def link_user(self, person, username):
        """Link the admin account named in a file; one missing here is warned about."""
        if not username or (person.pk, username) in self.users:
            return
        self.users.add((person.pk, username))
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            self.warn(f"No user “{username}” here: {person.name} is left without one.")
        elif person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user"])

    def import_editorial_policy(self, doc):
        """As the urgent-help callout, and as pages: a policy readers see changes only with
        --publish, and a file never shows it to readers without --publish (unless restoring
        into a site without pages), leaving that to a publisher."""
        data = doc.data
        policy = EditorialPolicy.objects.filter(pk=1).first()
        created = policy is None
        policy = policy or EditorialPolicy(pk=1)
        shown = not created and policy.published and bool(policy.text)
        published = data["published"]
        if published and not shown and not (self.publish or self.restoring):
            published = False
            self.warn(
                f"{doc.path}: not shown to readers; it awaits a publisher, who shows it in the "
                "admin (or import with --publish)."
            )
        fields = {"title": data["title"], "text": data["text"], "published": published}
        changed = assign(policy, fields) or created
        if changed and shown:
            self.needs_sign_off("the editorial policy")
        if changed:
            policy.full_clean()
            policy.save()
        if created:
            restore_timestamps(policy, data, keys=("updated",))
        self.count(created, changed)
