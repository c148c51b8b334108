"""The "Editors" group: may edit every kind of content, but not users, groups or settings."""

from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
CONTENT_APPS = ("kazportal", "regions", "heritage", "articles", "batyr")


def sync_editors_group(apps, **kwargs):
    """Give the Editors group every permission on the content apps' models. Run by the data
    migration that creates the group and again after every migrate, so that models added later
    are covered too."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        if app_config.label in CONTENT_APPS:
            # Historical app configs have no models module; create_permissions needs one set.
            original = getattr(app_config, "models_module", None)
            app_config.models_module = original or True
            create_permissions(app_config, verbosity=0, apps=apps)
            app_config.models_module = original
    group, _created = Group.objects.get_or_create(name=EDITORS)
    perms = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)
    group.permissions.add(*perms)
    return group
