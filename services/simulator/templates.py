"""Verbatim chunks of the real 2ZOVS result page (fixture), with @@TOKENS@@ to fill in.

Kept as data so that the renderer stays small; tokens are replaced rather than formatted.
"""

# ruff: noqa: E501

PAGE_HEAD = (
    "<!DOCTYPE html>\n"
    "\t<html class=' adopt '>\n"
    "\t<head>\n"
    "   <meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>\n"
    "   <TITLE>@@COURT@@</TITLE>\n"
    "   <meta http-equiv='X-UA-Compatible' content='IE=edge'>\n"
    "   <meta name='viewport' content='width=device-width, initial-scale=1.0'>\n"
    "   <link rel='shortcut icon' href='/themes/mobile/img/favicon.ico' type='image/x-icon'>\n"
    "\n"
    "\n"
    '    <link rel="stylesheet" href="/themes/mobile/style/style.css">\n'
    '\t<link rel="stylesheet" type="text/css" href="/themes/mobile/style/modules.css">\n'
    '\t<link media="print" rel="stylesheet" href="/themes/mobile/style/print.css">\n'
    '\t<link rel="stylesheet" type="text/css" href="/themes/mobile/style/jquery-ui.min.css">\n'
    '\t<link rel="stylesheet" type="text/css" href="/themes/mobile/style/jquery-ui.structure.min.css">\n'
    '\t<link rel="stylesheet" type="text/css" href="/themes/mobile/style/jquery-ui.theme.min.css">\n'
    '\t<link rel="stylesheet" type="text/css" href="/themes/mobile/style/jquery.ui.tabs.css">\n'
    '\t<script charset="utf-8" src="/672349fc084a15183dc31c93.js?1772134016792"></script>\n'
    '<script src="/themes/mobile/JS/jquery-1.12.4.min.js"></script>\n'
    '\t<script src="/themes/mobile/JS/jquery-migrate-1.4.1.min.js"></script>\n'
    '\t<script src="/themes/mobile/JS/jquery.watch.min.js"></script>\n'
    '\t<script src="/themes/mobile/JS/date-picker.js"></script>\n'
    '\t<script src="/themes/mobile/JS/jquery-ui.min.js"></script>\n'
    '\t<script src="/themes/mobile/JS/jquery.ui.datepicker-ru.min.js"></script>\n'
    '\t<script src="/themes/mobile/JS/jquery.cookie.js"></script>\n'
    '\t<script src="/themes/mobile/JS/fancybox2/jquery.fancybox.pack.js"></script>\n'
    '\t<link rel="stylesheet" href="/themes/mobile/JS/fancybox2/jquery.fancybox.css" type="text/css" media="screen">\n'
    "\n"
    '\t<script src="/themes/mobile/JS/main.js"></script>\n'
    '\t<script src="https://api-maps.yandex.ru/2.1/?lang=ru_RU&coordorder=longlat"></script>\n'
    "    <!-- CSS для ИЕ8 и ниже -->\n"
    '    <!--[if lte IE 8]><link rel="stylesheet" href="/themes/mobile/style/style.ie.css"><![endif]-->\n'
    '    <!--[if IE 8]><link rel="stylesheet" href="/themes/mobile/style/style.ie8.css"><![endif]-->\n'
    "\t\n"
    "\t\t\t\t\t\t<link rel='stylesheet' type='text/css' href='/modules/sud_delo/css/style_portal_old.css'>\n"
    "\t\t\t\t\t\t<script src='/modules/sud_delo/JS/union2.js'></script>\n"
    "\t\t\t\t\t\t<script src='/modules/sud_delo/JS/sud_delo.js'></script>\n"
    "\t\t\t\t\t<script src='/themes/mobile/JS/info_show.js'></script>\n"
    "<script src='/themes/mobile/JS/xmlhttp.js'></script>\n"
    "\t<meta name='Keywords' content='Суд, Правосудие, Назначенные дела, Исковое заявление, Рассматриваемые дела, Уголовные дела, Административные дела, Гражданские дела, Судебная практика, Суды региона, @@COURT@@' />\n"
    "\t<meta name='Description' content='@@COURT@@'>\n"
    '\t</head><body><noscript><img src="/492e939b2c17838216bb152871fa21ea.gif" width="0" height="0" alt="" /></noscript>\n'
    "\n"
)

BOX_OPEN = (
    "<div class='box box_common m-all_m'>\n"
    "\n"
    "\t\t<div class='box__head box__head_white'>СУДЕБНОЕ ДЕЛОПРОИЗВОДСТВО</div>\n"
    '\t\t\t<script type="text/javascript">var srv_num=1;</script>\n'
    '\t\t\t<div id="modSdpContent">\n'
)

SEARCH_HEADER = (
    "<div id=header>\n"
    "\t<form id='calformH' name='calformH' method='get' action='/modules.php'>\n"
    '\t\t<input name="name" type="hidden" value="sud_delo">\n'
    '\t\t<input name="srv_num" type="hidden" value=1>\n'
    "\t\t<table id=top_menu cellSpacing=0 cellPadding=1>\n"
    " \t\t\t<tr>\n"
    " \t\t\t\t<td>Вывести список дел, назначенных на дату</td>\n"
    " \t\t\t\t<td id=calendar>\n"
    " \t\t\t\t\t<img title=\"Вызвать календарь\" onclick=\"javascript:show_calendar('calformH.H_date');\" src='/modules/sud_delo/images/top_calc.gif'/>\n"
    " \t\t\t\t</td>\n"
    " \t\t\t\t<td>\n"
    " \t\t\t\t\t<input name='H_date' class='text' id='H_date' style='width: 66px;' type='text' maxLength='10' value=@@HDATE@@>\n"
    " \t\t\t    </td>\n"
    " \t\t\t    <td id=calendar style='padding-left: 0px; padding-right: 0px'>\n"
    ' \t\t\t    \t<img title="Вывести список дел" onclick="javascript:hearing_list();" src=\'/modules/sud_delo/images/doSearch.gif\'/>\n'
    " \t\t\t    </td>\n"
    " \t\t\t</tr>\n"
    " \t\t\t\t \t\t\t<tr>\n"
    "\t \t\t\t\t<td colspan=4>\n"
    '\t\t    \t\t\t<a href="#" onclick="show_search(1,2)"><b>Поиск информации по делам</b></a>\n'
    "\t\t    \t\t\t\t\t\t\t\t</td>\n"
    "\t \t\t\t</tr>\n"
    "\t \t\t \t\t</table>\n"
    "\t </form>\n"
    "</div>\n"
)

# The search form of a captcha court (spb gorsud fixture), re-targeted at u1_case.
SEARCH_FORM = (
    '\t<form action="" method="get" name="calform" id="calform">\n'
    '\t<input name="name" type="hidden" value="sud_delo">\n'
    '\t<input name="srv_num" type="hidden" value="1">\n'
    '\t<input name="name_op" type="hidden" value="r">\n'
    '\t<input name="delo_id" type="hidden" value="1540006">\n'
    '\t<input name="case_type" type="hidden" value="0">\n'
    '\t<input name="new" type="hidden" value="0">\n'
    '  \t  \t<table width="100%" cellpadding=0 cellspacing=0 border=0>  \t    \t\n'
    "\t\t<tr>\n"
    '      \t\t<td style="width:50%; border: 1px solid #CECECE;" align="center">\n'
    '      \t\t\t<div id="case_type" style="font: 14px Tahoma; color: #555;">\n'
    "    \t  \t\t\tВыбрана картотека поиска:<br>\n"
    '        \t\t\t<div style="color:#006699; font-size:20px">\n'
    "\t        \t\t\tУголовные дела - первая инстанция    \t\t\t\t</div>\n"
    '       \t\t\t\t<div style="text-align: right; padding:0 10px 6px 0"><a href="#" onclick="showCatalogInst(550,500,2,1);">Изменить</a></div>\n'
    "    \t\t\t</div>\n"
    "    \t\t</td>\n"
    "  \t\t</tr>\n"
    "  \t\t<tr>\n"
    '  \t \t\t<td style="font: 14px Tahoma; color: #555; text-align: center">Поиск по делам\n'
    '      \t\t\t<table width="100%" cellpadding=0 cellspacing=2 border=0>\n'
    "        \t\t\t<tr>\n"
    '    \t \t\t\t\t<td style="width:10%;" align="right">Фамилия</td>\n'
    '    \t   \t\t\t\t<td style="width:40%;">\n'
    "\t\t\t\t\t\t\t<input name='U1_DEFENDANT__NAMESS' type='text' class='Lookup' size=70>          \t\t\t\t</td>\n"
    "        \t\t\t</tr>\n"
    "\t\t\t                \t\t\t<tr>\n"
    '         \t\t\t\t<td style="width:10%;" align="right">Номер дела (материала)</td>\n'
    '   \t    \t\t\t\t<td style="width:40%;">\n'
    "\t\t\t\t\t\t\t<input name='u1_case__CASE_NUMBERSS' type='text' class='Lookup' size=70>    \t  \t\t\t\t</td>\n"
    "    \t  \t\t\t</tr>\n"
    "\t\t\t                \t\t\t<tr>\n"
    '         \t\t\t\t<td style="width:10%;" align="right">Уникальный идентификатор дела</td>\n'
    '   \t    \t\t\t\t<td style="width:40%;">\n'
    "\t\t\t\t\t\t\t<input name='u1_case__JUDICIAL_UIDSS' type='text' class='Lookup masked' size=70\n"
    "\t\t\t\t\t\t\t\t\tid='case__JUDICIAL_UIDSS'\n"
    "\t\t\t\t\t\t\t\t\tdata-placeholder='XXXXXXXX-XX-YYYY-XXXXXX-XX' \n"
    "\t\t\t\t\t\t\t\t\tpattern='^\\d{2}(VS|KJ|AJ|OS|RS|KV|AV|OV|GV|AO|AA|AS|UD|KS|US|GU|MS|IC)\\d{4}-0[1-9]{1}-(19|20)\\d{2}-\\d{6}-\\d{2}$' \n"
    "\t\t\t\t\t\t\t\t\tdata-charset='XX__XXXX-XX-XXXX-XXXXXX-XX' \n"
    "\t\t\t\t\t\t\t\t\ttitle='Формат УИД: XXWWXXXX-XX-XXXX-XXXXXX-XX'\n"
    "\t\t\t\t\t\t\t\t\tdata-valid-example='26RS0023-01-2020-000159-48'\n"
    "\t\t\t\t\t\t\t\t\t>    \t  \t\t\t\t</td>\n"
    "    \t  \t\t\t</tr>\n"
    "\t\t\t\t\t\t\n"
    "@@CAPTCHA_ROW@@\t\t\t\t\t\t  \t\t\t</table>\n"
    "    \t\t</td>    \t\t\n"
    "   \t\t</tr>\n"
    "    </table>\n"
    '\t  \t<input name="delo_table" type="hidden" value="u1_case">\n'
    "    <div id=line></div>\n"
    '    <div style="font: 14px Tahoma; color: #555; text-align: center;">Дополнительные параметры поиска</div>\n'
    "    <div id=line></div>\n"
    '    <table width="100%" cellpadding=1 cellspacing=2 border=0>\n'
    "\t\t<tr><td colspan='2' class='title'>ДАННЫЕ ПО ДЕЛУ<br></td></tr>        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Дата поступления</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\tс <nobr><input name='u1_case__ENTRY_DATE1D' type='text' size=10 class='Lookup'>\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.u1_case__ENTRY_DATE1D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t по <input name='u1_case__ENTRY_DATE2D' type='text'  size=10 class='Lookup'>\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.u1_case__ENTRY_DATE2D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\"></nobr>\n"
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Регион суда первой инстанции</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__COURT_I_REGION_ID' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'COURT_I_REGION_ID\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Суд (судебный участок) первой инстанции</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__COURT_I' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'COURT_I\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Номер дела в первой инстанции</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t<input name='U1_CASE__CASE_NUMBER_ISS' type='text' class='Lookup' size=70>       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Категория дела</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t<input name='dic' type='button' style='border-color:#006699; color:#006699 ' value='Выбрать из справочника' onclick=getDicRow(02,this);>       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Материал (в порядке исполнения решений и иные)</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__M_SUB_TYPE' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'M_SUB_TYPE\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Судья</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__JUDGE' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'JUDGE\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Дата рассмотрения</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\tс <nobr><input name='u1_case__RESULT_DATE1D' type='text' size=10 class='Lookup'>\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.u1_case__RESULT_DATE1D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t по <input name='u1_case__RESULT_DATE2D' type='text'  size=10 class='Lookup'>\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.u1_case__RESULT_DATE2D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\"></nobr>\n"
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Результат рассмотрения</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__RESULT' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'RESULT\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Номер здания, название обособленного подразделения</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__BUILDING_ID' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'BUILDING_ID\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Судья (мировой судья) первой инстанции</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__JUDGE_I' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'JUDGE_I\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t        <tr>\n"
    '        \t<td style="width:30%" valign="bottom" align="right">Признак рассмотрения дела</td>\n'
    '\t        <td style="width:70%">\n'
    "\t\t\t\t\t\t\t\t\t<input name='U1_CASE__COURT_STRUCT' type='hidden' value=''>\n"
    '\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled>\n'
    '\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_CASE\',\'COURT_STRUCT\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t       \t\t</td>\n"
    "     \t</tr>\n"
    "       \t<tr><td colspan=2>&nbsp;</td></tr><tr ><td colspan=2 ><span class=title>ДВИЖЕНИЕ ДЕЛА</span><br></td></tr>\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Наименование события</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t\t\t\t\t\t\t<input name='U1_EVENT__EVENT_NAME' type='hidden' value=''>\n"
    '\t\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled  >\n'
    '\t\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_EVENT\',\'EVENT_NAME\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Дата</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_EVENT__EVENT_DATEDD' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<a href=\"javascript:show_calendar('calform.U1_EVENT__EVENT_DATEDD');\" onMouseOver=\"window.status='Date Picker';return true;\" onMouseOut=\"window.status='';return true;\">\n"
    '\t\t\t\t\t\t\t<img src="/images/b_calc.gif" width=15 height=17 border=0 align="top"></a>\n'
    "\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t<tr><td colspan=2>&nbsp;</td></tr><tr ><td colspan=2 ><span class=title>УЧАСТНИКИ</span><br></td></tr>\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Вид лица, участвующего в деле</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t\t\t\t\t\t\t<input name='U1_PARTS__PARTS_TYPE' type='hidden' value=''>\n"
    '\t\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled  >\n'
    '\t\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_PARTS\',\'PARTS_TYPE\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">ИНН</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_PARTS__INN_STRSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">КПП</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_PARTS__KPP_STRSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">ОГРН</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_PARTS__OGRN_STRSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">ОГРНИП</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_PARTS__OGRNIP_STRSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t<tr><td colspan=2>&nbsp;</td></tr><tr ><td colspan=2 ><span class=title>РЕШЕНИЯ</span><br></td></tr>\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Дата публикации</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\tс <nobr><input name='U1_DOCUMENT__PUBL_DATE1D' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.U1_DOCUMENT__PUBL_DATE1D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t\t по <input name='U1_DOCUMENT__PUBL_DATE2D' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.U1_DOCUMENT__PUBL_DATE2D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t\t</nobr>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Дата вступления в законную силу</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\tс <nobr><input name='U1_DOCUMENT__VALIDITY_DATE1D' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.U1_DOCUMENT__VALIDITY_DATE1D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t\t по <input name='U1_DOCUMENT__VALIDITY_DATE2D' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.U1_DOCUMENT__VALIDITY_DATE2D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t\t</nobr>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t<tr><td colspan=2>&nbsp;</td></tr><tr ><td colspan=2 ><span class=title>ОГРАНИЧЕНИЯ ДОСТУПА</span><br></td></tr>\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Вид информации, подлежащей ограничению (гл. 27.1, 27.2 КАС)</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t\t\t\t\t\t\t<input name='U1_RKN_ACCESS_RESTRICTION__RKN_REASON' type='hidden' value=''>\n"
    '\t\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled  >\n'
    '\t\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_RKN_ACCESS_RESTRICTION\',\'RKN_REASON\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Доменное имя второго уровня (гл. 27.1, 27.2 КАС)</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='u1_rkn_access_restriction__RKN_RESTRICT_URLSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t<tr><td colspan=2>&nbsp;</td></tr><tr ><td colspan=2 ><span class=title>ИСПОЛНИТЕЛЬНЫЕ ЛИСТЫ</span><br></td></tr>\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Дата выдачи</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\tс <nobr><input name='U1_ORDER_INFO__ORDER_DATE1D' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.U1_ORDER_INFO__ORDER_DATE1D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t\t по <input name='U1_ORDER_INFO__ORDER_DATE2D' type='text' size=10 class='Lookup'>\t\t\t\t\t\t<img src=\"/images/b_calc.gif\" onclick=\"show_calendar('calform.U1_ORDER_INFO__ORDER_DATE2D');\" style=\"width: 15px; height: 17px; border: 0; cursor: pointer;\" align=\"top\">\n"
    "\t\t\t\t\t\t</nobr>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Серия, номер бланка</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_ORDER_INFO__ORDER_NUMSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Номер электронного ИД</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t<input name='U1_ORDER_INFO__EXTERNALKEYSS' type='text' class='Lookup' size=70>\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Статус</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t\t\t\t\t\t\t<input name='U1_ORDER_INFO__STATE_ID' type='hidden' value=''>\n"
    '\t\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled  >\n'
    '\t\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_ORDER_INFO\',\'STATE_ID\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t\t\t<tr>\n"
    '\t\t\t\t<td style="width:40%" align="right">Кому выдан / направлен</td>\n'
    '\t\t\t\t<td style="width:60%">\n'
    "\t\t\t\t\t\t\t\t\t\t\t<input name='U1_ORDER_INFO__RECIP_ID' type='hidden' value=''>\n"
    '\t\t\t\t\t\t<input type="text" name="textfield" class="Lookup" size=70 disabled  >\n'
    '\t\t\t\t\t\t<img src="/images/arow.gif" onclick="showCatalog(500,450,\'U1_ORDER_INFO\',\'RECIP_ID\');" style="width: 15px; height: 17px; border: 0; cursor: pointer;" align="top">\n'
    "\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
    "\t\t\t\t    <tr>\n"
    "\t    \t<td align=center colspan=2>\n"
    "\t\t    \t\t\t\t    \t<br>\n"
    "\t\t\t        <input name='list' type='checkbox' class='checkbox' value='ON'>&nbsp;Отобразить полный список\n"
    "\t\t        \t\t    </td>\n"
    "\t\t</tr>\n"
    "\t</table>\n"
    "\t<div id=line></div>\n"
    '\t<div align="center" style="font-size: 11px; color: #555; margin-top:10px;\'">\n'
    '\t\t<input name="Submit" type="submit" class="booton" value="Найти" onclick="checkForm(event);">\n'
    '\t    <input name="Reset" type="reset" class="booton" value="Очистить" onclick="clearErrors(); clearFieldN();">\n'
    "\t    <br>\n"
    "\t</div>\n"
    "</form></div>"
)

CAPTCHA_ROW = (
    "\t\t\t\t\t<tr>\n"
    '\t\t\t\t\t\t<td style="width:10%;" align="right">Проверочный код</td>\n'
    "\t\t\t\t\t\t\t\t\t\t\t\t<td style=\"width:40%;\">  <input name='captcha' autocomplete='off' id='captcha' type='text' class='Lookup' style=\"vertical-align:top;height:25px;font-size:17px;\" size=10> \n"
    '\t\t\t\t\t\t<img src="data: image/png;base64, @@CAPTCHA_IMG@@" style="border: 1px solid #4a739d;">\n'
    '\t\t\t\t\t\t<input name="captchaid" type="hidden" value="@@CAPTCHA_ID@@">\n'
    "\t\t\t\t\t\t\t\t\t\t\t\t</td>\n"
    "\t\t\t\t\t</tr>\n"
)

# A 100x30 PNG from the fixture; the simulator does not draw digits, it checks answers.
CAPTCHA_PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAGQAAAAeCAIAAABVOSykAAAJE0lEQVRoge2ZeVxTVxbHzwshG2FJCASIYQ0IIkEEQX"
    "FlirLYqrXiyLi0tvNhik6ntY7YAe3UsaMfsW6j1tb5dGYU1BE3RgXFpS6pw4AoSAhLJxEIBEjEhCSQhCQk80f8xEeI"
    "4bG0Op+P3//eeefee97v3nveue8harUaXoMN3MsO4P+J12KNADwAbPSvBIA94viff3h+h+J+a7ekR0NydpoWwJgX6v"
    "Pzx4AdxJqzxiJZk1R5+G5TebMMAJLCfHKSJzOoJMdNSuravyitaZSq0MZYtueptbN93SlD/fXGgaKHLedqxI8kcrlG"
    "z3QlJYX5bp4fGeTpOoqARwdik+AdS1bTLm/oUprNZn86NT7Ak4B3AoB939dvv1pLcMJNZdPbFJoWea8XlViclcRl0V"
    "806vYrj/JvCADAx42cNonlTnbmCWUP2p4CQDSL9sOnaTb+om71ir/dsSjrhENIeKc+vREAXIn4f74/dw6HORYJsGMr"
    "lgWLZIBSjd+hyDpZXtfZY/XxdCH+aeEUo8n08dn7S7jsg8sTPMgEAPjL7Ya8S9VeVCJvQxrLw84aKauXLPvuDgD8bl"
    "5EVURuGeeKxZ578eHBO40AUPjurMVcf6u/Rm+cll8iVvR5uhB3Lpq6mMumEPD8DsX60xXV7XIamVCxKd3uYhx37Itl"
    "xaJaTl3UtPwShVafEMj4YEYonUKo7VAcuNWg1BncSM4MF2L1Z2/hcIi11c5r/B1l/Nkh3qXrkof2ueDQ9fLmJ4nZBQ"
    "BgVQoAdIaB8O3FT/v6V04L/mbFdKt93/f1n5fUODvheBtSI309rHa5pj9hd2mXSrs6PvjrX04HexRWio7e+2+jVInH"
    "IeE+7ku4/lkzw0jOTljlGcwwb8M94vg94vj8yfyM4/4zg72urZ+fGReUMom1KXnylfXJOARUOkN8IAOtFAD8YUFULN"
    "uTJ5KdftgytE8kdW9idsHC9r1opQCA5OyUEMgAAKlKi7aXNUgAYGEkC60UANApxK2pXAA4WdUs1/QPHeiPJTXZpysa"
    "pcrFXPbyqYFKrSHvUnXywWu9/QbHT/0iMJUOt9fLjmYII3e5bwq8bzVG+dHSJ7EAoKFLObTJ3nfiACD/ep2NPUWY1l"
    "WUTb29ecoEOxkNj8MBANONjDZKerQAEMywk8hTJ7EQBAZM5sv8dptbom71vlv1NDKh/Pfpf/1V4v5l8Q82v/lJUsQj"
    "iWJHGR/DQ9sBj8VJ0qMBgE8eRbJpLuh0FhfAuCyQCDp7evsNVKIzuslUtueCCL9rDR13hVJLAk4RpoFl3+XaH8VkMl"
    "e2dgNAUtigAoJKxAOAQqMf2sTblUSnEJ/29d9s6lyTEIK+dUUgMZth7QxOCErlbelTTlY1n6xq3rFoKpYHtwGTWBSC"
    "U5/e2KPVs2ku1pT/TLUMMJrMhfcffzhrok2r96dzrjV0lAra/wzvweD0ZJcLteIuldaLSnyby0bbw5nudZ09N5s6hz"
    "ZR6Qw9Wj0APGyT29wSK3oBgMuioY04HML1o91o6pSqtDbrFwuYxEoI9Lpc115QKcpfEmc17m6ZNmf/1az9HADY41a/"
    "Jj6EQhjU29xQZmJ2QTUGmQBApTNsuVQNADnzJ1sqEisLIvzO1rSKFX2X+G1vRQ3Scc9NAQ5BBsDcIu/VGQbQmZtGIQ"
    "KAVKWzGchSc/TqjTblhs/SwmGDRNRq9fnChcP62RA8r2Bb6aN7j2Vaw8BEptvcQ97PokcVaCnCtIpv1ySF+lzISnLQ"
    "VWTlP2wsgvj30Jd640DsrpIWea8rEX9szaz54X4AIFVpd98QFBY2jjTyF9F1ftWwPsOUDlbO1bR+VFSh7jdaLo/FnB"
    "hTaBhYdz5zWJ/lmWF5KVGcbRcA4Ppv508P8kLf3Xq5ev+tBm9XUkZMQKAntbFLWSKQKDT9ANC9a8UoQsIqFmBbqBZW"
    "VoUBwIm4H1/kgJ7GNkXfjK9KlTrD4eUJ6CQ9ivU+UpauKhmRP6JWqzGq4PmZEX35IGZ14OfnNAbj4y+WMqikczWtR6"
    "kf/vvIan+aCw5BWuS9WWc4gOGwmf71DZ5ItoTLLnh39rAxmEzm7r5+D7KzNa9JejTh24sB4N6nqQ4OWBaOV4jWF1Xk"
    "JEduTYuGkc8HHoaoAIOzhkZv/FGmcnbC2dSEhZWiPr1xRpAXg0pKEaYBFb6hFR2e2VQjkbuTCR/NC1+1M5hCwA89Oa"
    "H5V62YJ5J5u5IOZGA6wONwiLfroCO6qPvZzuB4uVmNUpV25THeXA7TIooFk8l8+G4jgsCK2CCLZaQrCw9DEqoNGr1x"
    "3oEyOoVQm7vIWkzJNf3br9YCAJK6N0X4vBb/ammcTXObUgMtmXHAtOVSDQBsS4+mU4hDh25T9LFpLo4f4HpjBwBEs2"
    "jodzHTjdyp1B6807h0SoB1jnOKH9R3KTPjgkK93ez3NRyYctYHhfeKqlsTAhmfp0WHernWdylzLz70ePsQYCsL0KAl"
    "O1XVnHWqPJBO5ectsjrwOxQ8oYwnkt4TyQBA/OUyi/0/zU+Ka8XRLHpmXJDVWarSxu66rNQZdi2OXTdnUKF3s6kz47"
    "s7OARSIli+bmSeSFrfpYyZQC9d94ZN/YwdTHXWweUJvXpjqUCy8MhNiyUxu8CvfMu3mfaPrw6wyGTdm5ABy2IC0AIp"
    "tM8r9QkelE6lxvJF4fDdxuLaNhcCHodD3on2xyHID49lG8/fV+oMYd5uWTNDbQZ6Y6Jv+ca0I7wmnkjGE0p93cm5KV"
    "EbkiaN+hQNI3ob8jsU5c1PzjE/BoDd5BPDZlPHmExmv7wzK08EAsDRDKHVPsGDMpvDnBPiPTPEG/1hT6bWJR0oEyv6"
    "AMDZCWcymwdMZgDgeLle/M0vht2t48IIxHp+uBsPjAMmv7wzWsMAAFjemzFnPWdzmAF06ouayNS6L6/WlgjaZWqdKx"
    "E/ZQL9zcnsXydybCr+nw6sYqUI08ZLJisHbtV7uhCtAr3EXwEYQdRqtbRnrQOPNd1dAHCc4ehXAtPj7+MVkONS4+Xi"
    "aGVh33eO5R4d+dxsAMipPYLFeRxnywH2xRrf9DQWMO7Nsc8WFrntiPVTpKcx8oqks0FivToL6tXkWVH6WiYs/A8C6d"
    "Bd3F9naAAAAABJRU5ErkJggg=="
)

# From the 3KSOYU wrong-captcha fixture.
WRONG_CAPTCHA = (
    "<div align='center' id='error'>Неверно указан проверочный код с картинки.\t\t<br><br>\n"
    "\t\t<a href=\"#\" onclick=\"document.location.href = '/modules.php?name=sud_delo&srv_num=' + 1 + '&name_op=sf&delo_id=1540006&case_type=0&new=0';\">Вернуться на форму поиска<a>\n"
    "\t</div>\n"
)
