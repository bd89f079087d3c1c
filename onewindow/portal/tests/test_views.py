from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from .conftest import LEGAL_BASIS_LICENCE, Catalog

pytestmark = pytest.mark.django_db


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _public_urls(catalog: Catalog) -> list[str]:
    return [
        reverse("portal:home"),
        reverse("portal:item_list"),
        reverse("portal:item_list") + "?q=营业执照&audience=enterprise",
        reverse("portal:item_detail", args=[catalog.licence.implementation_code]),
        reverse("portal:item_detail", args=[catalog.certificate.implementation_code]),
        reverse("portal:item_history", args=[catalog.eia.implementation_code]),
        reverse("portal:department_list"),
        reverse("portal:department_detail", args=[catalog.market.code]),
        reverse("portal:themes", args=["person"]),
        reverse("portal:themes", args=["enterprise"]),
    ]


class TestPublicAccess:
    def test_every_page_answers_an_anonymous_visitor(
        self, client: Client, catalog: Catalog
    ) -> None:
        for url in _public_urls(catalog):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<main" in _html(response), url

    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("portal:item_detail", ["NOPE"]),
            ("portal:item_detail", ["X" * 200]),
            ("portal:item_history", ["NOPE"]),
            ("portal:department_detail", ["NOPE"]),
        ],
    )
    def test_unknown_codes_are_404(
        self, client: Client, catalog: Catalog, name: str, args: list[str]
    ) -> None:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 404
        assert "页面不存在" in _html(response)

    def test_an_unpublished_item_is_404(self, client: Client, catalog: Catalog) -> None:
        code = catalog.draft.implementation_code
        assert client.get(reverse("portal:item_detail", args=[code])).status_code == 404
        assert client.get(reverse("portal:item_history", args=[code])).status_code == 404

    def test_an_unknown_audience_is_404(self, client: Client, catalog: Catalog) -> None:
        assert client.get("/themes/robots/").status_code == 404

    def test_pages_refuse_writes(self, client: Client, catalog: Catalog) -> None:
        assert client.post(reverse("portal:item_list")).status_code == 405


class TestHome:
    def test_it_shows_themes_departments_online_items_and_the_centre(
        self, client: Client, catalog: Catalog
    ) -> None:
        html = _html(client.get(reverse("portal:home")))
        assert "开办企业" in html
        assert "户籍办理" in html
        assert reverse("portal:item_list") + "?theme=startup" in html
        assert reverse("portal:department_detail", args=["SCJ"]) in html
        # the fully online item is listed, the instant one (level 3) is not
        assert "企业设立登记" in html
        assert "户籍证明开具" not in html
        assert "示范路100号" in html
        assert "021-87654321" in html

    def test_the_footer_shows_the_centre(self, client: Client, catalog: Catalog) -> None:
        html = _html(client.get(reverse("portal:department_list")))
        footer = html[html.index("<footer") :]
        assert "示范路100号" in footer
        assert "021-12345000" in footer


class TestItemSearch:
    def test_a_query_ranks_the_matching_item_first(self, client: Client, catalog: Catalog) -> None:
        response = client.get(reverse("portal:item_list"), {"q": "营业执照"})
        results = response.context["results"]
        assert results
        assert results[0] == catalog.licence
        assert "按相关度排序" in _html(response)

    def test_browsing_lists_every_published_item(self, client: Client, catalog: Catalog) -> None:
        response = client.get(reverse("portal:item_list"))
        codes = {item.implementation_code for item in response.context["results"]}
        assert codes == {
            catalog.licence.implementation_code,
            catalog.certificate.implementation_code,
            catalog.property.implementation_code,
            catalog.eia.implementation_code,
        }

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"department": "GAJ"}, {"certificate"}),
            ({"theme": "housing"}, {"property"}),
            ({"audience": "person"}, {"certificate", "property"}),
            ({"audience": "enterprise"}, {"licence", "property", "eia"}),
            ({"item_type": "licensing"}, {"licence", "eia"}),
            ({"online_depth": "4"}, {"licence"}),
            ({"q": "登记", "department": "GTJ"}, {"property"}),
        ],
    )
    def test_filters_narrow_the_results(
        self, client: Client, catalog: Catalog, params: dict[str, str], expected: set[str]
    ) -> None:
        response = client.get(reverse("portal:item_list"), params)
        codes = {item.implementation_code for item in response.context["results"]}
        assert codes == {getattr(catalog, name).implementation_code for name in expected}

    def test_the_list_shows_limits_visits_and_badges(
        self, client: Client, catalog: Catalog
    ) -> None:
        html = _html(client.get(reverse("portal:item_list")))
        assert "即办件" in html
        assert "60日" in html  # statutory limit in calendar days
        assert "20个工作日" in html
        assert "四级：全程网办" in html
        assert "到现场次数" in html
        assert "市场监督管理局" in html

    def test_an_oversize_query_shows_an_error_and_no_results(
        self, client: Client, catalog: Catalog, settings
    ) -> None:
        settings.ONEWINDOW_SEARCH_MAX_QUERY = 10
        response = client.get(reverse("portal:item_list"), {"q": "营业执照" * 5})
        assert response.status_code == 200
        assert response.context["results"] == []
        assert "检索词过长" in _html(response)
        assert "最多10个字" in _html(response)

    def test_a_bad_filter_value_shows_an_error(self, client: Client, catalog: Catalog) -> None:
        response = client.get(reverse("portal:item_list"), {"online_depth": "9"})
        assert response.status_code == 200
        assert response.context["results"] == []
        assert "alert-danger" in _html(response)

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "\x00"},
            {"q": "   "},
            {"q": "的"},
            {"q": "%' OR 1=1 --"},
            {"department": "X" * 100},
            {"theme": "../../etc"},
            {"audience": "robots"},
            {"item_type": "nonsense"},
            {"online_depth": "abc"},
            {"q": ["a", "b"], "page": ["1", "2"]},
        ],
    )
    def test_odd_input_never_fails(
        self, client: Client, catalog: Catalog, params: dict[str, str]
    ) -> None:
        assert client.get(reverse("portal:item_list"), params).status_code == 200
        htmx = client.get(reverse("portal:item_list"), params, headers={"HX-Request": "true"})
        assert htmx.status_code == 200

    @pytest.mark.parametrize("page", ["abc", "0", "-1", "2", "999", "9" * 40, "1.5", ""])
    def test_bad_page_numbers_never_fail(self, client: Client, catalog: Catalog, page: str) -> None:
        response = client.get(reverse("portal:item_list"), {"page": page})
        assert response.status_code == 200
        assert response.context["page"].number == 1  # four items: one page
        assert len(response.context["results"]) == 4

    def test_it_pages_by_twenty(self, client: Client, catalog: Catalog, monkeypatch) -> None:
        monkeypatch.setattr("onewindow.portal.views.PAGE_SIZE", 3)
        first = client.get(reverse("portal:item_list"))
        second = client.get(reverse("portal:item_list"), {"page": "2"})
        assert len(first.context["results"]) == 3
        assert len(second.context["results"]) == 1
        assert 'rel="next"' in _html(first)
        past_the_end = client.get(reverse("portal:item_list"), {"page": "50"})
        assert past_the_end.context["page"].number == 2

    def test_an_htmx_request_gets_only_the_results(self, client: Client, catalog: Catalog) -> None:
        response = client.get(
            reverse("portal:item_list"), {"q": "户籍"}, headers={"HX-Request": "true"}
        )
        html = _html(response)
        assert response.status_code == 200
        assert "<html" not in html
        assert "户籍证明开具" in html
        assert 'hx-swap-oob="innerHTML"' in html
        assert "HX-Request" in response["Vary"]
        assert next(t.name for t in response.templates) == "portal/includes/item_results.html"

    def test_an_htmx_history_restore_gets_the_whole_page(
        self, client: Client, catalog: Catalog
    ) -> None:
        response = client.get(
            reverse("portal:item_list"),
            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        )
        assert "<html" in _html(response)

    def test_the_form_works_without_javascript(self, client: Client, catalog: Catalog) -> None:
        html = _html(client.get(reverse("portal:item_list")))
        assert 'method="get"' in html
        assert 'action="/items/"' in html
        assert 'hx-get="/items/"' in html


class TestGuide:
    def test_it_shows_the_full_guide(self, client: Client, catalog: Catalog) -> None:
        html = _html(
            client.get(reverse("portal:item_detail", args=[catalog.licence.implementation_code]))
        )
        assert LEGAL_BASIS_LICENCE in html
        assert "依法设立的企业。" in html
        assert "000101000001" in html
        assert catalog.licence.implementation_code in html
        assert "公司登记申请书" in html
        assert "法定代表人身份证明" in html
        assert "免提交" in html
        assert "不收费" in html
        assert "15个工作日" in html
        assert "3个工作日" in html
        assert "全程在网上完成" in html  # explanation of the online depth
        assert "营业执照" in html
        assert "长期" in html
        assert "邮寄送达" in html
        assert "可以全程网上办理吗？" in html
        assert "第 1 版" in html

    def test_parallel_departments_are_shown_side_by_side(
        self, client: Client, catalog: Catalog
    ) -> None:
        html = _html(
            client.get(reverse("portal:item_detail", args=[catalog.licence.implementation_code]))
        )
        assert "并联" in html
        parallel = html[html.index('class="ow-parallel') :]
        parallel = parallel[: parallel.index("</ul>")]
        assert "市场监督管理局" in parallel
        assert "税务局" in parallel
        # stages in order
        assert html.index("受理审查") < html.index("并联核准") < html.index("核准决定")

    def test_fees_and_blank_forms(self, client: Client, catalog: Catalog) -> None:
        html = _html(
            client.get(reverse("portal:item_detail", args=[catalog.property.implementation_code]))
        )
        assert "不动产登记费" in html
        assert "住宅80元/件" in html
        assert "2559号" in html
        assert "不收费" not in html
        assert "/media/catalog/materials/blank-application.docx" in html
        assert "/media/catalog/materials/sample-application.pdf" in html

    def test_an_instant_item_and_calendar_day_limits(
        self, client: Client, catalog: Catalog
    ) -> None:
        instant = _html(
            client.get(
                reverse("portal:item_detail", args=[catalog.certificate.implementation_code])
            )
        )
        assert "即办件" in instant
        assert "法律未规定" in instant
        eia = _html(
            client.get(reverse("portal:item_detail", args=[catalog.eia.implementation_code]))
        )
        assert "60日" in eia
        assert "不含专家评审时间" in eia
        assert "第 2 版" in eia

    def test_it_has_a_print_button_and_a_print_stylesheet(
        self, client: Client, catalog: Catalog
    ) -> None:
        html = _html(
            client.get(reverse("portal:item_detail", args=[catalog.licence.implementation_code]))
        )
        assert 'data-action="print"' in html
        assert "打印" in html
        assert "portal/portal.css" in html

    def test_the_number_of_queries_is_bounded(
        self, client: Client, catalog: Catalog, django_assert_max_num_queries
    ) -> None:
        url = reverse("portal:item_detail", args=[catalog.licence.implementation_code])
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200

    def test_the_queries_do_not_grow_with_materials_and_stages(
        self, client: Client, catalog: Catalog
    ) -> None:
        def count(code: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("portal:item_detail", args=[code]))
            return len(queries.captured_queries)

        # The footer's centre is read once, then remembered (queries.footer_center).
        client.get(reverse("portal:progress"))
        # 3 stages (one parallel), 2 materials, 0 fees against 2 stages, 1 material, 1 fee
        assert count(catalog.licence.implementation_code) == count(
            catalog.property.implementation_code
        )


class TestHistory:
    def test_it_lists_published_and_superseded_versions(
        self, client: Client, catalog: Catalog
    ) -> None:
        response = client.get(
            reverse("portal:item_history", args=[catalog.eia.implementation_code])
        )
        versions = list(response.context["versions"])
        assert [v.number for v in versions] == [2, 1]
        html = _html(response)
        assert "更新受理条件" in html
        assert "已被替代" in html
        assert "现行版本" in html


class TestDepartments:
    def test_the_list_shows_counts(self, client: Client, catalog: Catalog) -> None:
        response = client.get(reverse("portal:department_list"))
        counts = {d.code: d.item_count for d in response.context["departments"]}
        assert counts["SCJ"] == 1  # the draft does not count
        assert counts["SWJ"] == 0

    def test_the_detail_shows_items_powers_and_duties(
        self, client: Client, catalog: Catalog
    ) -> None:
        response = client.get(reverse("portal:department_detail", args=["SCJ"]))
        html = _html(response)
        assert "负责市场主体登记注册。" in html
        assert "021-555510" in html
        assert "权力清单" in html
        assert "责任清单" in html
        assert list(response.context["powers"]) == [catalog.licence]
        assert "企业设立登记审查责任" in html
        assert "不依法履行职责的，依法追责。" in html
        assert "尚未发布的事项" not in html


class TestThemes:
    def test_it_lists_the_audiences_themes_with_counts(
        self, client: Client, catalog: Catalog
    ) -> None:
        response = client.get(reverse("portal:themes", args=["person"]))
        themes = {t.code: t.item_count for t in response.context["themes"]}
        assert themes == {"household": 1, "housing": 1}
        assert "?theme=household" in _html(response)


class TestLanguage:
    def test_chinese_is_the_default(self, client: Client, catalog: Catalog) -> None:
        html = _html(client.get(reverse("portal:home")))
        assert '<html lang="zh-hans">' in html

    def test_accept_language_english(self, client: Client, catalog: Catalog) -> None:
        html = _html(client.get(reverse("portal:home"), headers={"Accept-Language": "en"}))
        assert '<html lang="en">' in html

    def test_the_language_cookie(self, client: Client, catalog: Catalog) -> None:
        client.cookies["django_language"] = "en"
        response = client.get(
            reverse("portal:item_detail", args=[catalog.licence.implementation_code])
        )
        html = _html(response)
        assert '<html lang="en">' in html
        assert "Business registration" in html  # English name of the item
        assert "Market Regulation Bureau" in html

    def test_the_switcher_posts_to_set_language(self, client: Client, catalog: Catalog) -> None:
        html = _html(client.get(reverse("portal:item_list")))
        assert f'action="{reverse("set_language")}"' in html
        assert 'name="language"' in html
        assert 'value="en"' in html
        response = client.post(reverse("set_language"), {"language": "en", "next": "/items/"})
        assert response.status_code == 302
        assert response["Location"] == "/items/"
        assert '<html lang="en">' in _html(client.get("/items/"))


class TestAccessibility:
    def test_the_layout_has_a_skip_link_labels_and_landmarks(
        self, client: Client, catalog: Catalog
    ) -> None:
        html = _html(client.get(reverse("portal:home")))
        assert 'href="#main"' in html
        assert 'id="main"' in html
        assert '<label for="site-search"' in html
        assert 'aria-label="主导航"' in html
        assert 'aria-current="page"' in html


class TestErrorPages:
    def test_the_500_page_needs_no_context_and_no_database(self, django_assert_num_queries) -> None:
        with django_assert_num_queries(0), translation.override("zh-hans"):
            response = server_error(RequestFactory().get("/"))
        html = _html(response)
        assert response.status_code == 500
        assert "系统繁忙" in html
        assert '<html lang="zh-hans">' in html
