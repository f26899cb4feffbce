/* Hot loops in C: the analyzer's per-word loops, the writer's per-posting loop and the
 * phrase check.  kb/search/analyzer.py, writer.py and phrase.py have the same loops in
 * Python, which are the reference and the fallback when this module is not built (setup.py
 * builds it when a C compiler is there); the tests check that both give the same results.
 *
 *   walk(blk, route, freq, unknown, hmm, out)   the words of a Han block, given its route
 *   group(words, cache, miss) -> dict           index terms -> their positions, of a word list
 *   consecutive(gaps) -> bool | None            kb.search.phrase.consecutive
 *   add_postings(terms, positions, docnum, boost, one, encode, new_entry) -> length
 *                                               kb.search.writer's loop over a field's terms
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A run of one-character words blk[start:end]: one character; an unknown word, split by
 * the HMM (unknown: run -> tuple of words, filled by hmm(run)); or its characters. */
static int
single_characters(PyObject *blk, Py_ssize_t start, Py_ssize_t end, PyObject *freq,
                  PyObject *unknown, PyObject *hmm, PyObject *out)
{
    PyObject *buf = PyUnicode_Substring(blk, start, end);
    if (buf == NULL)
        return -1;
    int rc = -1;
    if (end - start == 1) {
        rc = PyList_Append(out, buf);
        Py_DECREF(buf);
        return rc;
    }
    PyObject *f = PyDict_GetItemWithError(freq, buf);     /* borrowed */
    int known = 0;
    if (f == NULL && PyErr_Occurred())
        goto done;
    if (f != NULL && (known = PyObject_IsTrue(f)) < 0)
        goto done;
    if (!known) {
        PyObject *words = PyDict_GetItemWithError(unknown, buf);   /* borrowed */
        if (words == NULL) {
            if (PyErr_Occurred())
                goto done;
            words = PyObject_CallOneArg(hmm, buf);
            if (words == NULL)
                goto done;
        }
        else
            Py_INCREF(words);
        PyObject *seq = PySequence_Fast(words, "hmm() must return a sequence");
        Py_DECREF(words);
        if (seq == NULL)
            goto done;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        PyObject **items = PySequence_Fast_ITEMS(seq);
        rc = 0;
        for (Py_ssize_t i = 0; i < n && rc == 0; i++)
            rc = PyList_Append(out, items[i]);
        Py_DECREF(seq);
        goto done;
    }
    rc = 0;
    for (Py_ssize_t i = start; i < end && rc == 0; i++) {
        PyObject *c = PyUnicode_Substring(blk, i, i + 1);
        if (c == NULL)
            rc = -1;
        else {
            rc = PyList_Append(out, c);
            Py_DECREF(c);
        }
    }
done:
    Py_DECREF(buf);
    return rc;
}

static PyObject *
walk(PyObject *self, PyObject *args)
{
    PyObject *blk, *route, *freq, *unknown, *hmm, *out;
    if (!PyArg_ParseTuple(args, "UO!O!O!OO!:walk", &blk, &PyList_Type, &route, &PyDict_Type,
                          &freq, &PyDict_Type, &unknown, &hmm, &PyList_Type, &out))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(blk);
    if (PyList_GET_SIZE(route) < n) {
        PyErr_SetString(PyExc_ValueError, "route shorter than the block");
        return NULL;
    }
    Py_ssize_t x = 0, buf = -1;     /* buf: start of the current run of one-character words */
    while (x < n) {
        Py_ssize_t y = PyLong_AsSsize_t(PyList_GET_ITEM(route, x));
        if (y == -1 && PyErr_Occurred())
            return NULL;
        y += 1;
        if (y <= x || y > n) {
            PyErr_SetString(PyExc_ValueError, "route out of the block");
            return NULL;
        }
        if (y - x == 1) {
            if (buf < 0)
                buf = x;
        }
        else {
            if (buf >= 0) {
                if (single_characters(blk, buf, x, freq, unknown, hmm, out) < 0)
                    return NULL;
                buf = -1;
            }
            PyObject *word = PyUnicode_Substring(blk, x, y);
            if (word == NULL || PyList_Append(out, word) < 0) {
                Py_XDECREF(word);
                return NULL;
            }
            Py_DECREF(word);
        }
        x = y;
    }
    if (buf >= 0 && single_characters(blk, buf, n, freq, unknown, hmm, out) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* out[term].append(pos), the list created on the term's first position */
static int
add_position(PyObject *out, PyObject *term, PyObject *pos)
{
    PyObject *got = PyDict_GetItemWithError(out, term);    /* borrowed */
    if (got != NULL)
        return PyList_Append(got, pos);
    if (PyErr_Occurred())
        return -1;
    PyObject *lst = PyList_New(1);
    if (lst == NULL)
        return -1;
    Py_INCREF(pos);
    PyList_SET_ITEM(lst, 0, pos);
    int rc = PyDict_SetItem(out, term, lst);
    Py_DECREF(lst);
    return rc;
}

static PyObject *
group(PyObject *self, PyObject *args)
{
    PyObject *words, *cache, *miss;
    if (!PyArg_ParseTuple(args, "O!O!O:group", &PyList_Type, &words, &PyDict_Type, &cache, &miss))
        return NULL;
    PyObject *out = PyDict_New();
    if (out == NULL)
        return NULL;
    Py_ssize_t pos = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        PyObject *terms = PyDict_GetItemWithError(cache, word);     /* borrowed */
        if (terms == NULL) {
            if (PyErr_Occurred())
                goto fail;
            terms = PyObject_CallOneArg(miss, word);    /* computes and caches */
            if (terms == NULL)
                goto fail;
        }
        else
            Py_INCREF(terms);
        int rc = 0;
        if (PyUnicode_CheckExact(terms)) {
            if (PyUnicode_GET_LENGTH(terms) == 0) {     /* punctuation: no position */
                Py_DECREF(terms);
                continue;
            }
            PyObject *p = PyLong_FromSsize_t(pos);
            rc = p == NULL ? -1 : add_position(out, terms, p);
            Py_XDECREF(p);
        }
        else if (PyTuple_CheckExact(terms)) {
            PyObject *p = PyLong_FromSsize_t(pos);
            rc = p == NULL ? -1 : 0;
            for (Py_ssize_t j = 0; rc == 0 && j < PyTuple_GET_SIZE(terms); j++)
                rc = add_position(out, PyTuple_GET_ITEM(terms, j), p);
            Py_XDECREF(p);
        }
        else {
            PyErr_SetString(PyExc_TypeError, "a word's terms must be a str or a tuple");
            rc = -1;
        }
        Py_DECREF(terms);
        if (rc < 0)
            goto fail;
        pos++;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* The positions of one word in a document, from its position gaps; -1 when they are not
 * ints that add up to increasing positions (then the caller's Python check runs instead). */
static Py_ssize_t
positions_of(PyObject *gaps, long long **out)
{
    if (!PyList_Check(gaps))
        return -1;
    Py_ssize_t n = PyList_GET_SIZE(gaps);
    long long *pos = PyMem_Malloc((n ? n : 1) * sizeof(long long));
    if (pos == NULL)
        return -1;
    long long p = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int overflow = 0;
        long long g = PyLong_Check(PyList_GET_ITEM(gaps, i)) ?
            PyLong_AsLongLongAndOverflow(PyList_GET_ITEM(gaps, i), &overflow) : -1;
        if (overflow || g < 0 || (i > 0 && g == 0) || g > (1LL << 40)) {
            PyMem_Free(pos);
            return -1;
        }
        p += g;
        pos[i] = p;
    }
    *out = pos;
    return n;
}

#define MAX_WORDS 64

static PyObject *
consecutive(PyObject *self, PyObject *arg)
{
    if (!PyList_Check(arg) || PyList_GET_SIZE(arg) < 1 || PyList_GET_SIZE(arg) > MAX_WORDS)
        Py_RETURN_NONE;
    Py_ssize_t k = PyList_GET_SIZE(arg), len[MAX_WORDS], at[MAX_WORDS];
    long long *pos[MAX_WORDS];
    Py_ssize_t made = 0;
    PyObject *res = Py_None;
    for (; made < k; made++) {
        len[made] = positions_of(PyList_GET_ITEM(arg, made), &pos[made]);
        if (len[made] < 0)
            goto done;
        at[made] = 0;
    }
    /* starts p of the first word, in order; each other word's cursor only moves forward */
    res = Py_False;
    for (Py_ssize_t j = 0; j < len[0]; j++) {
        long long p = pos[0][j];
        int ok = 1;
        for (Py_ssize_t i = 1; i < k && ok; i++) {
            while (at[i] < len[i] && pos[i][at[i]] < p + i)
                at[i]++;
            if (at[i] == len[i]) {
                ok = 0;
                j = len[0];          /* no later start can match either */
            }
            else if (pos[i][at[i]] != p + i)
                ok = 0;
        }
        if (ok) {
            res = Py_True;
            break;
        }
    }
done:
    if (PyErr_Occurred())
        PyErr_Clear();              /* not what was expected: the Python check decides */
    for (Py_ssize_t i = 0; i < made; i++)
        PyMem_Free(pos[i]);
    Py_INCREF(res);
    return res;
}

/* kb.search.writer's fast path for one text field of one document: append each term's
 * posting (docnum, count * boost, the positions' value) to its entry in terms, a dict of
 * term -> (docnums, weights, values); new_entry() makes an entry, one maps a single
 * position to its shared value, encode(positions) makes any other.  Returns the field's
 * length (the number of positions). */
static PyObject *
add_postings(PyObject *self, PyObject *args)
{
    PyObject *terms, *positions, *docnum, *one, *encode, *new_entry;
    double boost;
    if (!PyArg_ParseTuple(args, "O!O!O!dO!OO:add_postings", &PyDict_Type, &terms, &PyDict_Type,
                          &positions, &PyLong_Type, &docnum, &boost, &PyDict_Type, &one, &encode,
                          &new_entry))
        return NULL;
    static PyObject *append = NULL;
    if (append == NULL && (append = PyUnicode_InternFromString("append")) == NULL)
        return NULL;
    Py_ssize_t i = 0, length = 0;
    PyObject *term, *pos;
    while (PyDict_Next(positions, &i, &term, &pos)) {
        if (!PyList_Check(pos) || PyList_GET_SIZE(pos) == 0) {
            PyErr_SetString(PyExc_TypeError, "positions must be non-empty lists");
            return NULL;
        }
        PyObject *entry = PyDict_GetItemWithError(terms, term);     /* borrowed */
        if (entry == NULL) {
            if (PyErr_Occurred())
                return NULL;
            entry = PyObject_CallNoArgs(new_entry);
            if (entry == NULL)
                return NULL;
            int rc = PyDict_SetItem(terms, term, entry);
            Py_DECREF(entry);       /* terms holds it */
            if (rc < 0)
                return NULL;
        }
        if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 3 ||
                !PyList_CheckExact(PyTuple_GET_ITEM(entry, 2))) {
            PyErr_SetString(PyExc_TypeError, "an entry is (docnums, weights, list of values)");
            return NULL;
        }
        Py_ssize_t n = PyList_GET_SIZE(pos);
        PyObject *value = NULL;
        if (n == 1) {
            value = PyDict_GetItemWithError(one, PyList_GET_ITEM(pos, 0));
            if (value == NULL && PyErr_Occurred())
                return NULL;
            Py_XINCREF(value);
        }
        if (value == NULL && (value = PyObject_CallOneArg(encode, pos)) == NULL)
            return NULL;
        PyObject *weight = PyFloat_FromDouble((double)n * boost);
        PyObject *r1 = NULL, *r2 = NULL;
        int rc = -1;
        if (weight != NULL
                && (r1 = PyObject_CallMethodOneArg(PyTuple_GET_ITEM(entry, 0), append, docnum)) != NULL
                && (r2 = PyObject_CallMethodOneArg(PyTuple_GET_ITEM(entry, 1), append, weight)) != NULL)
            rc = PyList_Append(PyTuple_GET_ITEM(entry, 2), value);
        Py_XDECREF(r1);
        Py_XDECREF(r2);
        Py_XDECREF(weight);
        Py_DECREF(value);
        if (rc < 0)
            return NULL;
        length += n;
    }
    return PyLong_FromSsize_t(length);
}

/* Dict arithmetic of the ranking (kb.search.speedups has the Python reference of each). */

/* bm25(ids, weights, idf, k1p1, norms) -> {id: idf * ((w * k1p1) / (w + norms[id]))} */
static PyObject *
bm25(PyObject *self, PyObject *args)
{
    PyObject *ids, *ws, *norms;
    double idf, k1p1;
    if (!PyArg_ParseTuple(args, "O!O!ddO!:bm25", &PyList_Type, &ids, &PyList_Type, &ws, &idf, &k1p1,
                          &PyList_Type, &norms))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(ids), m = PyList_GET_SIZE(norms);
    if (PyList_GET_SIZE(ws) != n) {
        PyErr_SetString(PyExc_ValueError, "ids and weights differ in length");
        return NULL;
    }
    PyObject *out = PyDict_New();
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *d = PyList_GET_ITEM(ids, i);
        Py_ssize_t k = PyLong_AsSsize_t(d);
        if (k == -1 && PyErr_Occurred())
            goto fail;
        if (k < 0 || k >= m) {
            PyErr_SetString(PyExc_IndexError, "docnum outside the norms");
            goto fail;
        }
        double w = PyFloat_AsDouble(PyList_GET_ITEM(ws, i));
        if (w == -1.0 && PyErr_Occurred())
            goto fail;
        PyObject *no = PyList_GET_ITEM(norms, k);
        if (!PyFloat_Check(no)) {
            PyErr_SetString(PyExc_TypeError, "a norm is not a float");
            goto fail;
        }
        PyObject *v = PyFloat_FromDouble(idf * ((w * k1p1) / (w + PyFloat_AS_DOUBLE(no))));
        if (v == NULL || PyDict_SetItem(out, d, v) < 0) {
            Py_XDECREF(v);
            goto fail;
        }
        Py_DECREF(v);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* merge(dst, src, how): for each d, s of src: how 0: dst[d] = s if d not in dst else dst[d] + s;
 * how 1: dst[d] = s when s > dst.get(d, 0.0).  Floats take the fast path, other numbers
 * Python's own + and >. */
static PyObject *
merge(PyObject *self, PyObject *args)
{
    PyObject *dst, *src;
    int how;
    if (!PyArg_ParseTuple(args, "O!O!i:merge", &PyDict_Type, &dst, &PyDict_Type, &src, &how))
        return NULL;
    static PyObject *zero = NULL;
    if (zero == NULL && (zero = PyFloat_FromDouble(0.0)) == NULL)
        return NULL;
    Py_ssize_t i = 0;
    PyObject *d, *s;
    while (PyDict_Next(src, &i, &d, &s)) {
        PyObject *x = PyDict_GetItemWithError(dst, d);      /* borrowed */
        if (x == NULL && PyErr_Occurred())
            return NULL;
        int floats = PyFloat_CheckExact(s) && (x == NULL || PyFloat_CheckExact(x));
        if (how == 1) {
            int gt = floats ? PyFloat_AS_DOUBLE(s) > (x == NULL ? 0.0 : PyFloat_AS_DOUBLE(x))
                            : PyObject_RichCompareBool(s, x == NULL ? zero : x, Py_GT);
            if (gt < 0)
                return NULL;
            if (gt && PyDict_SetItem(dst, d, s) < 0)
                return NULL;
            continue;
        }
        if (x == NULL) {
            if (PyDict_SetItem(dst, d, s) < 0)
                return NULL;
            continue;
        }
        PyObject *v = floats ? PyFloat_FromDouble(PyFloat_AS_DOUBLE(x) + PyFloat_AS_DOUBLE(s)) : PyNumber_Add(x, s);
        if (v == NULL || PyDict_SetItem(dst, d, v) < 0) {
            Py_XDECREF(v);
            return NULL;
        }
        Py_DECREF(v);
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"bm25", bm25, METH_VARARGS, "bm25(ids, weights, idf, k1p1, norms) -> {id: BM25 score}"},
    {"merge", merge, METH_VARARGS, "merge(dst, src, how): add (0) or keep the larger (1) scores of src into dst"},
    {"add_postings", add_postings, METH_VARARGS, "add_postings(terms, positions, docnum, boost, one, encode, new_entry) -> length"},
    {"consecutive", consecutive, METH_O, "consecutive(gaps) -> whether the words occur at p, p+1, ... (None: not ints)"},
    {"walk", walk, METH_VARARGS, "walk(blk, route, freq, unknown, hmm, out): jieba's words of a Han block"},
    {"group", group, METH_VARARGS, "group(words, cache, miss) -> {term: [positions]}"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "The build's per-word loops in C (see kb.search.analyzer).", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
