import factory

from parvis.accounts.models import Membership, Role, User
from parvis.directory.tests.factories import OrganisationFactory

DEFAULT_PASSWORD = "mot-de-passe-de-test-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@exemple.gouv.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        platform_admin = factory.Trait(is_platform_admin=True, is_staff=True, is_superuser=True)
        platform_moderator = factory.Trait(is_platform_moderator=True)


class CitizenFactory(UserFactory):
    """A citizen's account: no role, no platform flag, only their own experiences."""

    email = factory.Sequence(lambda n: f"usager{n}@exemple.fr")

    class Params:
        # Signed up, activation link not used yet.
        pending = factory.Trait(is_active=False)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.AGENT
    organisation = factory.SubFactory(OrganisationFactory)
    local_service = None
    site = None
