"""placeholder"""


def demo_step(*, password, options):
    return ""


def demo_summary(*, password):
    return ""
