from factcheck import roles


def desk(request):
    user = getattr(request, "user", None)
    return {
        "is_editor": roles.is_editor(user) if user is not None else False,
        "on_desk": roles.can_review(user) if user is not None else False,
    }
