"""The Data page's sections (:mod:`dashboard.views.data` lays them out).

One module per section: :mod:`~dashboard.datapage.upload`,
:mod:`~dashboard.datapage.review`, :mod:`~dashboard.datapage.rosters`,
:mod:`~dashboard.datapage.aliases`; :mod:`~dashboard.datapage.common` holds what
they share. What they compute comes from :mod:`loaders`.
"""
