/* SPDX-License-Identifier: MIT */
/* srpass -- libvirt devices merged into a domain definition, with libxml2 (only here) */
#include "core/launch.h"

#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "os/sys.h"
#include "srpass/err.h"

#define DOMAIN_XML_MAX (1 << 20)

int srp_launch_read_file(const struct srp_sys *sys, const char *path, char **ret,
			 size_t *ret_len, struct srp_err *err)
{
	mode_t mode;
	ssize_t n;
	char *text;
	int r;

	if (path[0] != '/')
		return srp_err_input(err, -EINVAL, "%s: the path is not absolute", path);
	r = srp_sys_lstat(sys, path, &mode);
	if (r < 0)
		return srp_err_set(err, r, "%s: cannot access the file", path);
	if (S_ISLNK(mode))
		return srp_err_input(err, -ELOOP, "%s: is a symlink; refusing it", path);
	if (!S_ISREG(mode))
		return srp_err_input(err, -EINVAL, "%s: is not a regular file", path);
	text = malloc(DOMAIN_XML_MAX + 1);
	if (text == NULL)
		return srp_err_set(err, -ENOMEM, "%s: out of memory", path);
	n = srp_sys_read(sys, path, text, DOMAIN_XML_MAX + 1);
	if (n < 0 || n > DOMAIN_XML_MAX) {
		free(text);
		if (n < 0)
			return srp_err_set(err, (int)n, "%s: cannot read the file", path);
		return srp_err_input(err, -EFBIG, "%s: larger than %d bytes; refusing it", path,
				     DOMAIN_XML_MAX);
	}
	text[n] = '\0';
	*ret = text;
	*ret_len = (size_t)n;
	return 0;
}

/* libxml2 2.12 made the error const */
#if LIBXML_VERSION >= 21200
static void quiet(void *ctx, const xmlError *e)
#else
static void quiet(void *ctx, xmlError *e)
#endif
{
	(void)ctx;
	(void)e;
}

static int is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	       strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* A PCI <address> as one number (domain:bus:slot.function), -1 if not one. */
static long pci_key(xmlNode *addr)
{
	static const char *const parts[] = { "domain", "bus", "slot", "function" };
	static const int bits[] = { 16, 8, 5, 3 };
	xmlChar *type = xmlGetProp(addr, (const xmlChar *)"type");
	long key = 0;
	/* a <hostdev>'s source address has no type */
	int pci = type == NULL || strcmp((const char *)type, "pci") == 0;

	xmlFree(type);
	if (!pci)
		return -1;
	for (int i = 0; i < 4; i++) {
		xmlChar *v = xmlGetProp(addr, (const xmlChar *)parts[i]);
		unsigned long x = 0;
		char *end = NULL;

		if (v != NULL)
			x = strtoul((const char *)v, &end, 0);
		if (v != NULL && (*end != '\0' || end == (char *)v))
			x = 1ul << bits[i];	/* not a number: matches nothing */
		xmlFree(v);
		key = (key << bits[i]) | (long)(x & ((1ul << bits[i]) - 1));
		if (x >> bits[i])
			return -1;
	}
	return key;
}

/* What a device claims: the PCI address of its <source>, and its alias. */
struct claim {
	long pci;		/* -1: none */
	xmlChar *alias;		/* NULL: none */
};

static struct claim claim_of(xmlNode *dev)
{
	struct claim c = { -1, NULL };
	xmlNode *src = child(dev, "source"), *al = child(dev, "alias"), *ad;

	ad = src ? child(src, "address") : NULL;
	if (ad != NULL)
		c.pci = pci_key(ad);
	if (al != NULL)
		c.alias = xmlGetProp(al, (const xmlChar *)"name");
	return c;
}

/* Refuse new if a device of devices already has its address or alias. */
static int check_clash(xmlNode *devices, xmlNode *nw, const char *name, struct srp_err *err)
{
	struct claim cn = claim_of(nw), co;
	int r = 0;

	for (xmlNode *d = devices->children; d != NULL && r == 0; d = d->next) {
		if (d->type != XML_ELEMENT_NODE)
			continue;
		co = claim_of(d);
		if (cn.pci >= 0 && co.pci == cn.pci)
			r = srp_err_input(err, -EEXIST, "%s: has a <%s> with PCI address "
					  "%04lx:%02lx:%02lx.%lx already", name, d->name,
					  cn.pci >> 16, (cn.pci >> 8) & 0xff, (cn.pci >> 3) & 0x1f,
					  cn.pci & 7);
		else if (cn.alias && co.alias && xmlStrEqual(cn.alias, co.alias))
			r = srp_err_input(err, -EEXIST, "%s: has a device with alias '%s' already",
					  name, cn.alias);
		xmlFree(co.alias);
	}
	xmlFree(cn.alias);
	return r;
}

/* dev with every line after the first indented by ind. */
static char *indent(const char *dev, const char *ind)
{
	size_t n = strlen(dev) + 1, k = strlen(ind);
	char *out, *o;

	for (const char *s = dev; *s; s++)
		n += *s == '\n' ? k : 0;
	o = out = malloc(n);
	if (out == NULL)
		return NULL;
	for (; *dev; dev++) {
		*o++ = *dev;
		if (*dev == '\n') {
			memcpy(o, ind, k);
			o += k;
		}
	}
	*o = '\0';
	return out;
}

/* The indentation of devices' children: what its last text child ends
 * with, plus two; "" when it has no whitespace to go by. */
static void child_indent(xmlNode *devices, char *buf, size_t len)
{
	xmlNode *last = devices->last;
	const char *t, *nl;

	buf[0] = '\0';
	if (last == NULL || last->type != XML_TEXT_NODE || !xmlIsBlankNode(last))
		return;
	t = (const char *)last->content;
	nl = strrchr(t, '\n');
	if (nl != NULL && strlen(nl + 1) + 3 <= len)
		snprintf(buf, len, "%s  ", nl + 1);
}

static int add_device(xmlNode *devices, const char *dev, const char *name, struct srp_err *err)
{
	char ind[64], *text;
	xmlNode *list = NULL, *ws;
	xmlParserErrors pe;
	int r;

	child_indent(devices, ind, sizeof(ind));
	text = indent(dev, ind);
	if (text == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	pe = xmlParseInNodeContext(devices, text, (int)strlen(text), XML_PARSE_NONET, &list);
	free(text);
	if (pe != XML_ERR_OK || list == NULL || list->next != NULL) {
		xmlFreeNodeList(list);
		return srp_err_set(err, -EINVAL, "a device srpass made does not parse (error %d)",
				   (int)pe);
	}
	r = check_clash(devices, list, name, err);
	if (r < 0) {
		xmlFreeNodeList(list);
		return r;
	}
	if (ind[0] != '\0') {
		ws = xmlNewDocText(devices->doc, (const xmlChar *)"\n");
		if (ws != NULL)
			xmlNodeAddContent(ws, (const xmlChar *)ind);
		/* the device before the closing tag's whitespace, then the line
		 * break before the device (xmlAddPrevSibling merges text nodes) */
		if (ws == NULL || xmlAddPrevSibling(devices->last, list) == NULL) {
			xmlFreeNode(ws);
			xmlFreeNodeList(list);
			return srp_err_set(err, -ENOMEM, "out of memory");
		}
		if (xmlAddPrevSibling(list, ws) == NULL) {
			xmlFreeNode(ws);
			return srp_err_set(err, -ENOMEM, "out of memory");
		}
	} else if (xmlAddChild(devices, list) == NULL) {
		xmlFreeNodeList(list);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

static int domain_name_is(xmlNode *root, const char *domain, const char *name,
			  struct srp_err *err)
{
	xmlNode *n = child(root, "name");
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	int r = 0;

	if (v == NULL)
		r = srp_err_input(err, -EINVAL, "%s: the domain has no <name>", name);
	else if (strcmp((const char *)v, domain) != 0)
		r = srp_err_input(err, -EINVAL, "%s: defines domain '%s', not '%s'", name,
				  (const char *)v, domain);
	xmlFree(v);
	return r;
}

int srp_launch_merge(const char *xml, size_t len, const char *name, const char *domain,
		     const struct srp_strv *devs, char **ret, struct srp_err *err)
{
	xmlParserCtxt *ctx;
	xmlDoc *doc = NULL;
	xmlNode *root, *devices;
	xmlBuffer *buf = NULL;
	xmlSaveCtxt *save;
	int r = 0;

	if (len > INT_MAX)
		return srp_err_input(err, -EFBIG, "%s: too large", name);
	xmlSetStructuredErrorFunc(NULL, quiet);
	ctx = xmlNewParserCtxt();
	if (ctx == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	/* no network, no DTD loaded, entities left as they are */
	doc = xmlCtxtReadMemory(ctx, xml, (int)len, name, NULL, XML_PARSE_NONET);
	if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctx);

		r = srp_err_input(err, -EINVAL, "%s:%d: not well-formed XML: %s", name,
				  e ? e->line : 0, e && e->message ? e->message : "?");
		goto out;
	}
	if (doc->intSubset != NULL) {
		r = srp_err_input(err, -EINVAL, "%s: has a DOCTYPE; a libvirt domain has none",
				  name);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is(root, "domain")) {
		r = srp_err_input(err, -EINVAL, "%s: the root element is <%s>, not <domain>", name,
				  root ? (const char *)root->name : "");
		goto out;
	}
	r = domain_name_is(root, domain, name, err);
	if (r < 0)
		goto out;
	devices = child(root, "devices");
	if (devices == NULL)
		devices = xmlNewChild(root, NULL, (const xmlChar *)"devices", NULL);
	if (devices == NULL) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < devs->n && r == 0; i++)
		r = add_device(devices, devs->v[i], name, err);
	if (r < 0)
		goto out;
	buf = xmlBufferCreate();
	save = buf ? xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL) : NULL;
	if (save == NULL || xmlSaveDoc(save, doc) < 0 || xmlSaveClose(save) < 0) {
		r = srp_err_set(err, -ENOMEM, "%s: cannot write the merged domain", name);
		goto out;
	}
	*ret = strdup((const char *)xmlBufferContent(buf));
	if (*ret == NULL)
		r = srp_err_set(err, -ENOMEM, "out of memory");
out:
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctx);
	xmlSetStructuredErrorFunc(NULL, NULL);
	return r;
}
