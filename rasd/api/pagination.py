from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=2&page_size=100``: 25 rows a page by default (as on the list page), at most 200."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response_schema(self, schema):
        # REST framework describes the links in OpenAPI 3.0's words (`nullable`), which 3.1 ignores.
        paginated = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            paginated["properties"][link] = {"type": ["string", "null"], "format": "uri"}
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated
