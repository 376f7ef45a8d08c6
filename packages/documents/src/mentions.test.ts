import { describe, expect, it } from 'vitest';
import { extractMentions } from './mentions.js';

describe('extractMentions', () => {
  it.each<[string, string[]]>([
    ['Hi @alice', ['alice']],
    ['@alice and @bob.smith, @carol-x. Thanks @alice!', ['alice', 'bob.smith', 'carol-x']],
    ['@Alice then @alice', ['Alice']],
    ['(@paren) “@quoted” ‘@single’ @ünïcödé @a_b @user42', ['paren', 'quoted', 'single', 'ünïcödé', 'a_b', 'user42']],
    ['trailing punctuation: @x.y. @dash- @under_', ['x.y', 'dash', 'under_']],
    ['**@bold** _@em_ [@linked](https://example.org)', ['bold', 'em', 'linked']],
    ['> @quoted\n\n- @listed\n\n# @heading', ['quoted', 'listed', 'heading']],
    ['line one\n@nextline and hard  \n@break', ['nextline', 'break']],
  ])('finds the mentions in %j', (md, handles) => {
    expect(extractMentions(md)).toEqual(handles);
  });

  it.each([
    'write to alice@example.org or <bob@example.org>',
    'see https://mastodon.social/@carol and www.example.org/@dave',
    'inline `@code` span',
    '```\n@block in code\n```',
    '    @indented code',
    '<span data-x="@html">text</span>',
    'escaped \\@erin',
    'no handle: @ @. @- @@',
    'a@b mid-word and 5@6',
    'x/@slash and x:@colon and x#@hash',
  ])('finds none in %j', (md) => {
    expect(extractMentions(md)).toEqual([]);
  });

  it('ignores handles longer than 64 characters', () => {
    expect(extractMentions(`@${'a'.repeat(64)} @${'b'.repeat(65)}`)).toEqual(['a'.repeat(64)]);
  });
});
