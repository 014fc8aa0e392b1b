"""factory_boy factories for the data graph. Claims are created and moved
through the workflow, never by setting a status."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from factcheck import roles
from factcheck.models import Article

PANJSHIR_BODY = (
    "However, the National Resistance Front in Afghanistan (NRF) denied the claim, with spokesman Ali Nazary "
    "telling CNN: “The resistance is still all over the valley.”\n\n"
    "“The last nest of the enemy, Panjshir province, was completely conquered,” Taliban spokesman "
    "Zabihullah Mujahid said in a tweet.\n\n"
    "For two weeks the NRF, a multi-ethnic group that reportedly numbers in the thousands, has continued the fight."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pass-for-tests")

    @factory.post_generation
    def group(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


def editor(username="editor1"):
    return UserFactory(username=username, group=roles.EDITORS, is_staff=True)


def reviewer(username="reviewer1"):
    return UserFactory(username=username, group=roles.REVIEWERS)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Taliban claim victory in Panjshir ({n})")
    outlet = "CNN"
    body = factory.Sequence(lambda n: f"{PANJSHIR_BODY}\n\nStory number {n}.")
